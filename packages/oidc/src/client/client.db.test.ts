import { generateKeyPairSync } from 'node:crypto';
import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { AppError, fixedClock } from '@dinhdanh/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClient,
  getClient,
  listClients,
  registerClient,
  registerServiceClient,
  removeClient,
} from './client.service.ts';

// Registering relying parties and agencies: what the provider will later trust them with.

// A self-signed P-256 certificate (openssl req -x509, valid until 2126), as an agency registers it.
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBhDCCASmgAwIBAgIUKUZu3cbVjw9K0VcQm13K/UNy0OYwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLYWdlbmN5LnRlc3QwIBcNMjYxMjA4MDAwNzU3WhgPMjEyNjEx
MTQwMDA3NTdaMBYxFDASBgNVBAMMC2FnZW5jeS50ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAE/ABEpw5UkFD0EuV3OouNJbkm0ZiFyuSHmC4a0KRiGvjBKp4W
qtDcAJhv/1X+eMcEQ6uAbtG+RIwNhM+Es8I6qaNTMFEwHQYDVR0OBBYEFDimMaog
jcQe9GL7BNsRf1qHn1F/MB8GA1UdIwQYMBaAFDimMaogjcQe9GL7BNsRf1qHn1F/
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAI1QXY6tJq+7FTlA
+bjNb07GRZneEA4Teod3FVOCNKl7AiEAvhAt2amo8pqdRsSapSzOlsgLuLetTuKU
Xv+NYWW/tfk=
-----END CERTIFICATE-----
`;

const clock = fixedClock('2026-12-07T03:00:00Z');
const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
const jwks = { keys: [jwk] };
let database: Database;

/** The catalogue code and detail a call failed with. */
async function failure(call: Promise<unknown>): Promise<[string, string | undefined]> {
  try {
    await call;
  } catch (error) {
    if (error instanceof AppError) return [error.code, error.detail];
    throw error;
  }
  throw new Error('the call succeeded');
}

beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database?.close());

describe(`relying parties and agencies as clients (${testDatabaseKind()})`, () => {
  it('registers a relying party: claims from its scopes, sector from its one host, stored as given', async () => {
    const rp = await registerClient(database.db, clock, {
      name: '  Ngân hàng  ',
      redirectUris: ['https://bank.example.vn:8443/cb', 'https://bank.example.vn:8443/cb2'],
      jwks,
      scopes: ['openid', 'profile', 'id_number', 'profile'],
      minLevel: 2,
    });
    expect(rp).toMatchObject({
      kind: 'relying_party',
      authMethod: 'private_key_jwt',
      name: 'Ngân hàng',
      scopes: ['openid', 'profile', 'id_number'],
      minLevel: 2,
      sector: 'bank.example.vn:8443',
      backchannelLogoutUri: null,
      postLogoutRedirectUris: [],
      createdAt: '2026-12-07T03:00:00.000Z',
      disabled: false,
    });
    expect(rp.clientId).toMatch(/^rp-[\w-]{16}$/);
    expect([...rp.claims].sort()).toEqual([
      'birthdate',
      'gender',
      'id_number',
      'name',
      'sub',
      'verified_claims',
    ]);
    expect(await getClient(database.db, rp.clientId)).toEqual(rp);
    expect(await findClient(database.db, rp.clientId)).toEqual(rp);
    const plain = await registerClient(database.db, clock, {
      name: 'Cổng',
      redirectUris: ['https://portal.vn/cb'],
      jwks,
      sector: 'shared.vn',
      backchannelLogoutUri: 'https://portal.vn/logout',
    });
    expect(plain).toMatchObject({ sector: 'shared.vn', backchannelLogoutUri: 'https://portal.vn/logout' });
    expect([...plain.claims].sort()).toEqual(['birthdate', 'gender', 'name', 'sub', 'verified_claims']);
    expect(plain.clientId).not.toBe(rp.clientId);
  });

  it('refuses invalid registrations and redirect URIs on several hosts', async () => {
    expect(
      await failure(
        registerClient(database.db, clock, {
          name: 'Hai máy',
          redirectUris: ['https://a.vn/cb', 'https://b.vn/cb'],
          jwks,
        }),
      ),
    ).toEqual([
      'ERR_OIDC_CLIENT_INVALID',
      'all redirect URIs must share one host; register one client per host with the same sector',
    ]);
    expect(
      await failure(
        registerClient(database.db, clock, {
          name: 'x',
          redirectUris: ['http://a.vn/cb'],
          jwks,
          scopes: ['profile'],
        }),
      ),
    ).toEqual([
      'ERR_OIDC_CLIENT_INVALID',
      'an absolute https URL (http only on loopback), without a fragment; scopes must include openid',
    ]);
  });

  it('registers an agency with keys or with a self-signed certificate, never both, exchange scopes only', async () => {
    const withKeys = await registerServiceClient(database.db, clock, {
      clientId: 'ag-keys',
      name: 'Tổng cục Thuế',
      jwks,
      scopes: ['exchange.verify', 'exchange.verify', 'exchange.lookup'],
    });
    expect(withKeys).toMatchObject({
      clientId: 'ag-keys',
      kind: 'service',
      authMethod: 'private_key_jwt',
      redirectUris: [],
      postLogoutRedirectUris: [],
      backchannelLogoutUri: null,
      disabled: false,
      scopes: ['exchange.verify', 'exchange.lookup'],
      claims: [],
      minLevel: 1,
      sector: 'ag-keys',
      jwks,
    });
    const withCertificate = await registerServiceClient(database.db, clock, {
      clientId: 'ag-cert',
      name: 'Cảnh sát giao thông',
      tlsClientCertificate: CERTIFICATE,
      scopes: ['exchange.verify'],
    });
    expect(withCertificate.authMethod).toBe('self_signed_tls_client_auth');
    const [key] = withCertificate.jwks.keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig' });
    expect(key).not.toHaveProperty('d');
    const body = CERTIFICATE.replace(/-----[A-Z ]+-----|\s/g, '');
    expect(key?.x5c).toEqual([body]);

    expect(
      await failure(
        registerServiceClient(database.db, clock, {
          clientId: 'ag-both',
          name: 'x',
          jwks,
          tlsClientCertificate: CERTIFICATE,
          scopes: ['exchange.verify'],
        }),
      ),
    ).toEqual(['ERR_OIDC_CLIENT_INVALID', 'register either keys (jwks) or a TLS client certificate']);
    expect(
      await failure(
        registerServiceClient(database.db, clock, {
          clientId: 'ag-bad',
          name: 'x',
          tlsClientCertificate: 'not a certificate',
          scopes: ['exchange.verify'],
        }),
      ),
    ).toEqual(['ERR_OIDC_CLIENT_INVALID', 'the TLS client certificate is not a PEM certificate']);
    const privateJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      format: 'jwk',
    });
    expect(
      await failure(
        registerServiceClient(database.db, clock, {
          clientId: 'ag-private',
          name: 'x',
          jwks: { keys: [privateJwk] },
          scopes: ['exchange.verify'],
        }),
      ),
    ).toEqual(['ERR_OIDC_CLIENT_INVALID', 'the JWKS must hold public keys only']);
    expect(
      await failure(
        registerServiceClient(database.db, clock, {
          clientId: 'ag-secret',
          name: 'x',
          jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] },
          scopes: ['exchange.verify'],
        }),
      ),
    ).toEqual([
      'ERR_OIDC_CLIENT_INVALID',
      'the JWKS must hold public keys only; keys must be EC, RSA or OKP',
    ]);
    expect(
      (
        await failure(
          registerServiceClient(database.db, clock, { clientId: 'ag-none', name: 'x', scopes: [] }),
        )
      )[0],
    ).toBe('ERR_OIDC_CLIENT_INVALID');
    // Every scope must be an exchange scope, not just one of them.
    expect(
      await failure(
        registerServiceClient(database.db, clock, {
          clientId: 'ag-mixed',
          name: 'x',
          jwks,
          scopes: ['exchange.verify', 'openid'],
        }),
      ),
    ).toEqual(['ERR_OIDC_CLIENT_INVALID', 'a service client holds exchange scopes only']);
    for (const scope of ['openid', 'exchange.Verify', 'exchange.verify2', 'exchange.', 'xexchange.verify'])
      expect(
        await failure(
          registerServiceClient(database.db, clock, {
            clientId: `ag-${scope}`,
            name: 'x',
            jwks,
            scopes: [scope],
          }),
        ),
        scope,
      ).toEqual(['ERR_OIDC_CLIENT_INVALID', 'a service client holds exchange scopes only']);
  });

  it('lists relying parties only; a removed client stays on record, disabled; an unknown one is not found', async () => {
    const rp = await registerClient(database.db, clock, {
      name: 'Tạm',
      redirectUris: ['https://tam.vn/cb'],
      jwks,
    });
    const listed = await listClients(database.db);
    expect(listed.map((client) => client.clientId)).toContain(rp.clientId);
    expect(listed.every((client) => client.kind === 'relying_party')).toBe(true);
    await removeClient(database.db, rp.clientId);
    expect((await getClient(database.db, rp.clientId)).disabled).toBe(true);
    expect(await failure(removeClient(database.db, 'rp-unknown'))).toEqual([
      'ERR_OIDC_CLIENT_NOT_FOUND',
      undefined,
    ]);
    expect(await failure(getClient(database.db, 'rp-unknown'))).toEqual([
      'ERR_OIDC_CLIENT_NOT_FOUND',
      undefined,
    ]);
    expect(await findClient(database.db, 'rp-unknown')).toBeUndefined();
  });
});
