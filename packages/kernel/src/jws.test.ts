import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { compactVerify, importJWK, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { type JwsAlgorithm, JwsError, jwsSigner, jwsVerifier } from './jws.ts';

const pairs = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  PS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  EdDSA: generateKeyPairSync('ed25519'),
};
const secret = randomBytes(32);
const now = new Date('2026-11-23T03:00:00Z');
const iat = Math.floor(now.getTime() / 1000);

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof JwsError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('JWS helpers', () => {
  for (const alg of ['ES256', 'PS256', 'EdDSA'] as const) {
    it(`${alg}: jose verifies what we sign, and we verify what jose signs`, async () => {
      const { privateKey, publicKey } = pairs[alg];
      const signer = jwsSigner({ alg, key: privateKey, kid: 'k1' }, { typ: 'JWT' });
      const token = signer.sign({ iss: 'https://idp', aud: 'rp', sub: 'a', iat, exp: iat + 60 });
      const ours = await jwtVerify(token, publicKey, {
        issuer: 'https://idp',
        audience: 'rp',
        currentDate: now,
      });
      expect(ours.protectedHeader).toEqual({ alg, typ: 'JWT', kid: 'k1' });
      const theirs = await new SignJWT({ name: 'Nguyễn Văn An' })
        .setProtectedHeader({ alg, kid: 'k1' })
        .setExpirationTime(iat + 60)
        .sign(privateKey);
      const verified = jwsVerifier([{ alg, key: publicKey, kid: 'k1' }]).verify(theirs, { now });
      expect(verified.payload.name).toBe('Nguyễn Văn An');
    });
  }

  it('HS256 interoperates with jose', async () => {
    const token = jwsSigner({ alg: 'HS256', key: secret }).sign({ sub: 'x' });
    await expect(compactVerify(token, createSecretKey(secret))).resolves.toBeDefined();
  });

  it('selects the key by kid among current and retired keys', () => {
    const retired = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const oldToken = jwsSigner({ alg: 'ES256', key: retired.privateKey, kid: 'old' }).sign({ v: 1 });
    const newToken = jwsSigner({ alg: 'ES256', key: pairs.ES256.privateKey, kid: 'new' }).sign({ v: 2 });
    const verifier = jwsVerifier([
      { alg: 'ES256', key: retired.publicKey, kid: 'old' },
      { alg: 'ES256', key: pairs.ES256.publicKey, kid: 'new' },
    ]);
    expect(verifier.verify(oldToken).payload.v).toBe(1);
    expect(verifier.verify(newToken).payload.v).toBe(2);
    const unknown = jwsSigner({ alg: 'ES256', key: retired.privateKey, kid: 'gone' }).sign({});
    expect(reason(() => verifier.verify(unknown))).toBe('unknown_key');
  });

  it('never lets the token choose the algorithm', async () => {
    const verifier = jwsVerifier([{ alg: 'ES256', key: pairs.ES256.publicKey }]);
    // "none", and HMAC keyed with the public key: the classic confusions.
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    expect(reason(() => verifier.verify(none))).toBe('algorithm');
    const jwk = pairs.ES256.publicKey.export({ format: 'jwk' });
    const hmac = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(JSON.stringify(jwk)));
    expect(reason(() => verifier.verify(hmac))).toBe('algorithm');
    expect(await importJWK(jwk, 'ES256')).toBeDefined();
  });

  it('names each failure', () => {
    const signer = jwsSigner({ alg: 'EdDSA', key: pairs.EdDSA.privateKey }, { typ: 'logout+jwt' });
    const verifier = jwsVerifier([{ alg: 'EdDSA', key: pairs.EdDSA.publicKey }]);
    const token = signer.sign({ iss: 'a', aud: ['x', 'y'], exp: iat + 10, nbf: iat - 10 });
    expect(reason(() => verifier.verify(token, { now, issuer: 'a', audience: 'y', typ: 'logout+jwt' }))).toBe(
      'accepted',
    );
    const [h, p, s] = token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`;
    expect(reason(() => verifier.verify(flipped, { now }))).toBe('signature');
    expect(reason(() => verifier.verify(token, { now: new Date((iat + 10) * 1000) }))).toBe('expired');
    expect(reason(() => verifier.verify(token, { now: new Date((iat - 20) * 1000) }))).toBe('not_yet_valid');
    expect(reason(() => verifier.verify(token, { now, issuer: 'b' }))).toBe('issuer');
    expect(reason(() => verifier.verify(token, { now, audience: 'z' }))).toBe('audience');
    expect(reason(() => verifier.verify(token, { now, typ: 'JWT' }))).toBe('type');
    expect(reason(() => verifier.verify(`${h}.${p}`, { now }))).toBe('malformed');
    expect(reason(() => verifier.verify(`${h}.${p}.${s}.x`, { now }))).toBe('malformed');
    const noExp = signer.sign({});
    expect(reason(() => verifier.verify(noExp, { requireExpiry: true }))).toBe('expired');
  });

  it('refuses keys that do not fit the algorithm', () => {
    expect(() => jwsSigner({ alg: 'ES256', key: pairs.EdDSA.privateKey })).toThrow(/does not fit/);
    expect(() => jwsSigner({ alg: 'ES256', key: pairs.ES256.publicKey })).toThrow(/private/);
    expect(() => jwsSigner({ alg: 'HS256', key: randomBytes(16) })).toThrow(/32 bytes/);
    expect(() => jwsVerifier([])).toThrow();
  });

  it('throws only JwsError on arbitrary input', () => {
    const verifiers = (['ES256', 'PS256', 'EdDSA'] as JwsAlgorithm[]).map((alg) =>
      jwsVerifier([{ alg, key: pairs[alg as 'ES256'].publicKey }]),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (input) => {
        for (const verifier of verifiers) {
          expect(() => verifier.verify(input)).toThrow(JwsError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
