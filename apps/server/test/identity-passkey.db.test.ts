import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { testDatabaseKind } from '@dinhdanh/db/testing';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, auth, sessionCookie } from './identity-helpers.ts';
import { createTestApp, type TestApp } from './test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const RP_ID = 'localhost';
const ORIGIN = 'https://localhost';
const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/**
 * A software authenticator: a P-256 key, attestation "none", user verification set. Built by
 * hand from the WebAuthn Level 3 byte layouts so the server's real verification runs.
 */
function softwareAuthenticator() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const credentialId = randomBytes(16);
  const cose = isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
  const counterBytes = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  // Flags: UP (0x01) + UV (0x04); AT (0x40) when attested credential data follows.
  const attest = (challenge: string) => {
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    const authData = Buffer.concat([
      sha256(RP_ID),
      Buffer.from([0x45]),
      counterBytes(0),
      Buffer.alloc(16),
      idLength,
      credentialId,
      Buffer.from(cose),
    ]);
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: 'webauthn.create', challenge, origin: ORIGIN }),
    );
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as never,
    );
    return {
      id: b64url(credentialId),
      rawId: b64url(credentialId),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  };
  const assert = (challenge: string, counter: number, flags = 0x05) => {
    const authData = Buffer.concat([sha256(RP_ID), Buffer.from([flags]), counterBytes(counter)]);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin: ORIGIN }));
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), privateKey);
    return {
      id: b64url(credentialId),
      rawId: b64url(credentialId),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
      },
      clientExtensionResults: {},
    };
  };
  return { attest, assert };
}

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `${API}${url}`, payload: payload as object, headers });

describe(`passkeys (${testDatabaseKind()})`, () => {
  it('registers a passkey and logs in with it; counters must grow; user verification required', async () => {
    const token = await t.citizenSession('001090000777');
    const authenticator = softwareAuthenticator();
    const options = await post('/me/passkeys/options', {}, auth(token));
    expect(options.statusCode).toBe(200);
    const { challengeId, options: creation } = options.json();
    expect(creation.authenticatorSelection).toMatchObject({ userVerification: 'required' });
    const registered = await post(
      '/me/passkeys',
      { challengeId, response: authenticator.attest(creation.challenge), label: 'Điện thoại' },
      auth(token),
    );
    expect(registered.statusCode, registered.body).toBe(201);
    // The challenge is single use.
    const reused = await post(
      '/me/passkeys',
      { challengeId, response: authenticator.attest(creation.challenge) },
      auth(token),
    );
    expect(reused.json().code).toBe('ERR_PASSKEY_INVALID');

    const login = async (counter: number, flags?: number) => {
      const started = (await post('/passkeys/login-options', {})).json();
      return post('/passkeys/login', {
        challengeId: started.challengeId,
        response: authenticator.assert(started.options.challenge, counter, flags),
      });
    };
    const first = await login(1);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().session).toMatchObject({ acr: 'urn:dinhdanh:acr:level1', amr: ['hwk', 'user'] });
    expect(sessionCookie(first)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // A counter that does not grow means a cloned authenticator.
    expect((await login(1)).json().code).toBe('ERR_PASSKEY_INVALID');
    // Without user verification (UP only) the login is refused.
    expect((await login(5, 0x01)).json().code).toBe('ERR_PASSKEY_INVALID');
    expect((await login(6)).statusCode).toBe(200);
    const list = await t.app.inject({ method: 'GET', url: `${API}/me/passkeys`, headers: auth(token) });
    expect(list.json().items).toEqual([expect.objectContaining({ label: 'Điện thoại', synced: false })]);
    // GET /me counts it (this person is not in the registry: no date of birth to show).
    const me = await t.app.inject({ method: 'GET', url: `${API}/me`, headers: auth(token) });
    expect(me.json()).toMatchObject({
      passkeyCount: 1,
      totpEnabled: false,
      idNumber: '001090000777',
      dateOfBirth: null,
    });
  });
});
