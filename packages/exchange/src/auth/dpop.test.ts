import { createHash, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { type JwsAlgorithm, JwsError, jwsSigner } from '@dinhdanh/kernel';
import { describe, expect, it } from 'vitest';
import { jwkThumbprint, stripQuery, verifyDpopProof } from './dpop.ts';

// Each check of a DPoP proof (RFC 9449 §4.3) refused on its own: every proof below is right but
// for the one thing a test changes.

const NOW = new Date('2026-12-07T03:00:00Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const URL_ = 'https://dinhdanh.gov.vn/api/exchange/v1/people/001085000001';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZ2VuY3kifQ.c2lnbmF0dXJl';
const ATH = createHash('sha256').update(TOKEN).digest('base64url');

interface ProofKey {
  alg: JwsAlgorithm;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

function keyOf(alg: JwsAlgorithm, pair: { privateKey: KeyObject; publicKey: KeyObject }): ProofKey {
  return { alg, privateKey: pair.privateKey, jwk: pair.publicKey.export({ format: 'jwk' }) };
}
const ec = keyOf('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }));
const rsa = keyOf('PS256', generateKeyPairSync('rsa', { modulusLength: 2048 }));
const ed = keyOf('EdDSA', generateKeyPairSync('ed25519'));

function proof(
  key: ProofKey,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  typ = 'dpop+jwt',
): string {
  return jwsSigner({ alg: key.alg, key: key.privateKey }, { typ }).sign(
    { htm: 'GET', htu: URL_, ath: ATH, jti: randomUUID(), iat: NOW_SECONDS, ...claims },
    { jwk: key.jwk, ...header },
  );
}

const request = { method: 'GET', urls: [URL_], accessToken: TOKEN, now: NOW };

/** `accepted`, or the reason and message the proof was refused with. */
function outcome(token: string, maxAgeSeconds?: number): string | [string, string] {
  try {
    verifyDpopProof(token, request, maxAgeSeconds);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof JwsError)) throw error;
    return [error.reason, error.message];
  }
}

describe('DPoP proofs', () => {
  it('accepts a right proof of each key type and returns its key thumbprint, jti and iat', () => {
    for (const key of [ec, rsa, ed]) {
      const jti = randomUUID();
      expect(verifyDpopProof(proof(key, { jti }), request)).toEqual({
        jkt: jwkThumbprint(key.jwk),
        jti,
        iat: NOW_SECONDS,
      });
    }
    // A key seen before (its verifier is cached) is checked the same way.
    expect(outcome(proof(ec))).toBe('accepted');
    expect(outcome(proof(ec, { htm: 'POST' }))).toEqual(['audience', 'the proof is for another method']);
  });

  it('computes RFC 7638 thumbprints over the required members only', () => {
    // RFC 7638 §3.1.
    const rfc7638 = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(rfc7638)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    // RFC 8037 appendix A.3 (Ed25519).
    const rfc8037 = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      use: 'sig',
    };
    expect(jwkThumbprint(rfc8037)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    // EC: crv, kty, x, y in that order, nothing else.
    const { crv, kty, x, y } = ec.jwk;
    expect(jwkThumbprint({ ...ec.jwk, kid: 'k', use: 'sig' })).toBe(
      createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url'),
    );
    expect(new Set([jwkThumbprint(ec.jwk), jwkThumbprint(rsa.jwk), jwkThumbprint(ed.jwk)]).size).toBe(3);
  });

  it('refuses a proof that is too long, not JSON, or carries no usable public key', () => {
    expect(outcome(`${'a'.repeat(8_193)}`)).toEqual(['malformed', 'the proof is too long']);
    expect(outcome('%%%.e30.sig')).toEqual(['malformed', 'the proof header is not JSON']);
    expect(outcome(`${Buffer.from('{"alg":').toString('base64url')}.e30.sig`)).toEqual([
      'malformed',
      'the proof header is not JSON',
    ]);
    const headerOnly = (header: unknown) =>
      `${Buffer.from(JSON.stringify(header)).toString('base64url')}.e30.c2ln`;
    for (const jwk of [undefined, null, 'key', ['kty'], 7])
      expect(outcome(headerOnly({ alg: 'ES256', typ: 'dpop+jwt', jwk })), String(jwk)).toEqual([
        'malformed',
        'the proof carries no public key',
      ]);
    const ecPrivate = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    expect(outcome(proof(ec, {}, { jwk: { ...ec.jwk, d: ecPrivate.d } }))).toEqual([
      'malformed',
      'the proof key is private',
    ]);
    expect(outcome(headerOnly({ alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0' } }))).toEqual([
      'malformed',
      'the proof key is private',
    ]);
    expect(outcome(proof(ec, {}, { jwk: { ...ec.jwk, x: 'AAAA' } }))).toEqual([
      'malformed',
      'the proof key is invalid',
    ]);
  });

  it('refuses keys other than P-256, RSA of 2048 bits and more, and Ed25519', () => {
    const p384 = keyOf('ES256', generateKeyPairSync('ec', { namedCurve: 'P-384' }));
    const ed448 = generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' });
    const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
    for (const jwk of [
      p384.jwk,
      ed448,
      x25519,
      { kty: 'oct' },
      // A curve name under another key type is not that curve.
      { kty: 'OKP', crv: 'P-256', x: ec.jwk.x },
      { kty: 'EC', crv: 'Ed25519', x: ed.jwk.x, y: ec.jwk.y },
    ])
      expect(outcome(proof(ec, {}, { jwk })), JSON.stringify(jwk).slice(0, 40)).toEqual([
        'algorithm',
        'the proof key must be P-256, RSA or Ed25519',
      ]);
    // The size is checked before the signature: an EC signature serves to present the RSA keys.
    for (const modulusLength of [1024, 2040]) {
      const jwk = generateKeyPairSync('rsa', { modulusLength }).publicKey.export({ format: 'jwk' });
      expect(outcome(proof(ec, {}, { jwk })), String(modulusLength)).toEqual([
        'algorithm',
        'RSA proof keys need 2048 bits',
      ]);
    }
  });

  it('refuses a proof signed by another key than its own, of another type, or with another algorithm', () => {
    const other = keyOf('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    expect(outcome(proof(other, {}, { jwk: ec.jwk }))).toEqual(['signature', 'JWS rejected: signature']);
    expect(outcome(proof(ec, {}, {}, 'jwt'))[0]).toBe('type');
    expect(outcome(proof(ec, {}, { typ: undefined }))[0]).toBe('type');
    // An Ed25519 signature presented as ES256 for an EC key: the key decides the algorithm.
    expect(outcome(proof(ed, {}, { jwk: ec.jwk, alg: 'ES256' }))[0]).toBe('signature');
  });

  it('accepts a proof issued within the allowed age either side of now, and nothing older or newer', () => {
    for (const iat of [NOW_SECONDS - 60, NOW_SECONDS + 60, NOW_SECONDS])
      expect(outcome(proof(ec, { iat })), String(iat)).toBe('accepted');
    for (const iat of [NOW_SECONDS - 61, NOW_SECONDS + 61, undefined, String(NOW_SECONDS)])
      expect(outcome(proof(ec, { iat })), String(iat)).toEqual(['expired', 'the proof is not fresh']);
    // The caller's allowed age.
    expect(outcome(proof(ec, { iat: NOW_SECONDS - 10 }), 10)).toBe('accepted');
    expect(outcome(proof(ec, { iat: NOW_SECONDS - 11 }), 10)).toEqual(['expired', 'the proof is not fresh']);
    // Seconds are whole: 999 ms past the second is still that second.
    const late = { ...request, now: new Date(NOW.getTime() + 60_999) };
    expect(() => verifyDpopProof(proof(ec), late)).not.toThrow();
  });

  it('needs a jti of 8 to 200 characters', () => {
    for (const jti of ['a'.repeat(8), 'b'.repeat(200)]) expect(outcome(proof(ec, { jti }))).toBe('accepted');
    for (const jti of [undefined, 'a'.repeat(7), 'b'.repeat(201), 12345678])
      expect(outcome(proof(ec, { jti })), String(jti)).toEqual(['malformed', 'the proof needs a jti']);
  });

  it('binds the proof to the method, the URL without query or fragment, and the access token', () => {
    for (const htm of ['POST', 'get', undefined])
      expect(outcome(proof(ec, { htm })), String(htm)).toEqual([
        'audience',
        'the proof is for another method',
      ]);
    for (const htu of [`${URL_}?purpose=tax`, `${URL_}#top`, `${URL_}?a=1#b`])
      expect(outcome(proof(ec, { htu })), htu).toBe('accepted');
    for (const htu of [
      `${URL_}0`,
      `${URL_}/`,
      URL_.replace('https:', 'http:'),
      URL_.slice(0, -1),
      42,
      undefined,
    ])
      expect(outcome(proof(ec, { htu })), String(htu)).toEqual(['audience', 'the proof is for another URL']);
    // Any of the URLs the API is published at.
    const published = { ...request, urls: ['https://other.example/x', URL_] };
    expect(() => verifyDpopProof(proof(ec), published)).not.toThrow();
    const otherAth = createHash('sha256').update(`${TOKEN}x`).digest('base64url');
    for (const ath of [otherAth, undefined, TOKEN, ATH.slice(1)])
      expect(outcome(proof(ec, { ath })), String(ath)).toEqual([
        'audience',
        'the proof is for another access token',
      ]);
  });

  it('strips the query and fragment of a URL, nothing else', () => {
    expect(stripQuery('https://a.vn/x?y=1')).toBe('https://a.vn/x');
    expect(stripQuery('https://a.vn/x#y')).toBe('https://a.vn/x');
    expect(stripQuery('https://a.vn/x#y?z')).toBe('https://a.vn/x');
    expect(stripQuery('https://a.vn/x')).toBe('https://a.vn/x');
    expect(stripQuery('?')).toBe('');
  });

  it('takes a proof of exactly the maximum length', () => {
    // Pad a claim until the proof is 8,192 characters long (base64url skips some lengths: a
    // header member of a few characters more or less reaches the others).
    let exact: string | undefined;
    const start = Math.floor(((8_192 - proof(ec, { pad: '' }).length) * 3) / 4) - 24;
    for (let kid = 0; kid < 4 && !exact; kid++)
      for (let pad = start; pad < start + 48 && !exact; pad++) {
        const token = proof(ec, { pad: 'x'.repeat(pad) }, { kid: 'k'.repeat(kid) });
        if (token.length === 8_192) exact = token;
      }
    expect(exact?.length).toBe(8_192);
    expect(outcome(exact!)).toBe('accepted');
  });
});
