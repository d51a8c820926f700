import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ClientRegistration, type RelyingParty } from '../client/client.schema.ts';
import { ACR_LEVEL1, ACR_LEVEL2 } from '../context.ts';
import { levelRequiredBy } from './level-policy.ts';
import { clientMetadata, requestClientCertificate, SERVICE_TOKEN_TTL } from './provider.ts';

// The provider's policies that are plain functions: the level a request needs, what a relying
// party may register, the metadata the provider is given for it, and the client certificate it
// trusts. The flows that use them are in apps/server/test/oidc-flow.db.test.ts.

describe('the level a request needs', () => {
  const essential = (acr: Record<string, unknown>) => JSON.stringify({ id_token: { acr } });

  it("is the client's minimum when nothing is asked", () => {
    expect(levelRequiredBy(1, undefined, undefined)).toBe(1);
    expect(levelRequiredBy(2, undefined, undefined)).toBe(2);
    expect(levelRequiredBy(undefined, undefined, undefined)).toBe(1);
    // Only the number 2 is a level-2 minimum.
    expect(levelRequiredBy('2', undefined, undefined)).toBe(1);
  });

  it('is raised by acr_values that accept level 2 only', () => {
    expect(levelRequiredBy(1, ACR_LEVEL2, undefined)).toBe(2);
    expect(levelRequiredBy(1, ` ${ACR_LEVEL2}  `, undefined)).toBe(2);
    expect(levelRequiredBy(1, ACR_LEVEL1, undefined)).toBe(1);
    // Either level accepted: level 1 will do.
    expect(levelRequiredBy(1, `${ACR_LEVEL1} ${ACR_LEVEL2}`, undefined)).toBe(1);
    expect(levelRequiredBy(1, `${ACR_LEVEL2} ${ACR_LEVEL1}`, undefined)).toBe(1);
    // Unknown values are not levels.
    expect(levelRequiredBy(1, 'urn:other:acr', undefined)).toBe(1);
    expect(levelRequiredBy(1, `urn:other:acr ${ACR_LEVEL2}`, undefined)).toBe(2);
    expect(levelRequiredBy(1, '', undefined)).toBe(1);
    expect(levelRequiredBy(1, [ACR_LEVEL2], undefined)).toBe(1);
    // The client's minimum is never lowered.
    expect(levelRequiredBy(2, ACR_LEVEL1, undefined)).toBe(2);
  });

  it('is raised by an essential acr claim that accepts level 2 only', () => {
    expect(levelRequiredBy(1, undefined, essential({ essential: true, value: ACR_LEVEL2 }))).toBe(2);
    expect(levelRequiredBy(1, undefined, essential({ essential: true, values: [ACR_LEVEL2] }))).toBe(2);
    expect(
      levelRequiredBy(1, undefined, essential({ essential: true, values: [ACR_LEVEL1, ACR_LEVEL2] })),
    ).toBe(1);
    expect(
      levelRequiredBy(1, undefined, essential({ essential: true, value: ACR_LEVEL1, values: [ACR_LEVEL2] })),
    ).toBe(1);
    // Voluntary claims ask nothing.
    expect(levelRequiredBy(1, undefined, essential({ value: ACR_LEVEL2 }))).toBe(1);
    expect(levelRequiredBy(1, undefined, essential({ essential: false, values: [ACR_LEVEL2] }))).toBe(1);
    // Parsed or not, the same claims parameter.
    expect(levelRequiredBy(1, undefined, { id_token: { acr: { essential: true, value: ACR_LEVEL2 } } })).toBe(
      2,
    );
    // In userinfo it is not about the login.
    expect(
      levelRequiredBy(
        1,
        undefined,
        JSON.stringify({ userinfo: { acr: { essential: true, value: ACR_LEVEL2 } } }),
      ),
    ).toBe(1);
    expect(levelRequiredBy(1, undefined, '{not json')).toBe(1);
    expect(levelRequiredBy(1, undefined, 'null')).toBe(1);
    // acr_values and the claim together: each value asked counts.
    expect(levelRequiredBy(1, ACR_LEVEL2, essential({ essential: true, value: ACR_LEVEL1 }))).toBe(1);
  });
});

describe('what a relying party may register', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const valid = {
    name: 'Cổng Dịch vụ công',
    redirectUris: ['https://rp.example.vn/callback'],
    jwks: { keys: [jwk] },
  };
  const accepts = (change: Record<string, unknown>) =>
    ClientRegistration.safeParse({ ...valid, ...change }).success;

  it('takes https redirect URIs, and http only on loopback, without a fragment', () => {
    expect(ClientRegistration.parse(valid)).toEqual({
      ...valid,
      postLogoutRedirectUris: [],
      scopes: ['openid', 'profile'],
      minLevel: 1,
    });
    for (const uri of [
      'http://127.0.0.1:8080/cb',
      'http://localhost/cb',
      'http://[::1]:3000/cb',
      'https://a.vn/cb?x=1',
    ])
      expect(accepts({ redirectUris: [uri] }), uri).toBe(true);
    for (const uri of [
      'http://rp.example.vn/callback',
      'http://127.0.0.2/cb',
      'http://localhost.evil.vn/cb',
      'https://rp.example.vn/callback#frag',
      'javascript:alert(1)',
      'rp.example.vn/callback',
      'ftp://rp.example.vn/cb',
      // Loopback is no exception for other schemes.
      'ftp://localhost/cb',
      'ws://127.0.0.1/cb',
    ])
      expect(accepts({ redirectUris: [uri] }), uri).toBe(false);
    expect(accepts({ redirectUris: [] })).toBe(false);
    expect(accepts({ redirectUris: Array.from({ length: 20 }, (_, i) => `https://a.vn/${i}`) })).toBe(true);
    expect(accepts({ redirectUris: Array.from({ length: 21 }, (_, i) => `https://a.vn/${i}`) })).toBe(false);
    // The same rule for logout URIs.
    expect(accepts({ postLogoutRedirectUris: ['https://a.vn/bye'] })).toBe(true);
    expect(accepts({ postLogoutRedirectUris: ['http://a.vn/bye'] })).toBe(false);
    expect(accepts({ backchannelLogoutUri: 'https://a.vn/logout' })).toBe(true);
    expect(accepts({ backchannelLogoutUri: 'http://a.vn/logout' })).toBe(false);
    const message = ClientRegistration.safeParse({ ...valid, redirectUris: ['http://a.vn'] }).error?.issues[0]
      ?.message;
    expect(message).toBe('an absolute https URL (http only on loopback), without a fragment');
  });

  it('takes public EC, RSA or OKP keys only, one to ten', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const okp = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    expect(accepts({ jwks: { keys: [jwk, rsa, okp] } })).toBe(true);
    const ecPrivate = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])
      expect(accepts({ jwks: { keys: [{ ...jwk, [member]: 'x' }] } }), member).toBe(false);
    expect(accepts({ jwks: { keys: [ecPrivate] } })).toBe(false);
    expect(
      ClientRegistration.safeParse({ ...valid, jwks: { keys: [ecPrivate] } }).error?.issues[0]?.message,
    ).toBe('the JWKS must hold public keys only');
    expect(accepts({ jwks: { keys: [{ kty: 'oct' }] } })).toBe(false);
    // Every key counts, not just one of them.
    expect(accepts({ jwks: { keys: [jwk, ecPrivate] } })).toBe(false);
    expect(accepts({ jwks: { keys: [jwk, { kty: 'oct' }] } })).toBe(false);
    expect(
      ClientRegistration.safeParse({ ...valid, jwks: { keys: [{ kty: 'x' }] } }).error?.issues[0]?.message,
    ).toBe('keys must be EC, RSA or OKP');
    expect(accepts({ jwks: { keys: [] } })).toBe(false);
    expect(accepts({ jwks: { keys: Array.from({ length: 10 }, () => jwk) } })).toBe(true);
    expect(accepts({ jwks: { keys: Array.from({ length: 11 }, () => jwk) } })).toBe(false);
  });

  it('needs openid among known scopes, a level of 1 or 2, a name and a host-like sector', () => {
    expect(accepts({ scopes: ['openid', 'id_number', 'offline_access'] })).toBe(true);
    expect(accepts({ scopes: ['profile'] })).toBe(false);
    expect(ClientRegistration.safeParse({ ...valid, scopes: ['profile'] }).error?.issues[0]?.message).toBe(
      'scopes must include openid',
    );
    expect(accepts({ scopes: ['openid', 'exchange.verify'] })).toBe(false);
    expect(accepts({ minLevel: 2 })).toBe(true);
    expect(accepts({ minLevel: 3 })).toBe(false);
    expect(ClientRegistration.parse({ ...valid, name: '  Ngân hàng  ' }).name).toBe('Ngân hàng');
    expect(accepts({ name: '   ' })).toBe(false);
    expect(accepts({ name: 'x'.repeat(200) })).toBe(true);
    expect(accepts({ name: 'x'.repeat(201) })).toBe(false);
    for (const sector of ['bank.example.vn', 'bank.vn:8443', 'BANK-1.vn'])
      expect(accepts({ sector }), sector).toBe(true);
    for (const sector of ['https://bank.vn', 'bank.vn/x', 'bank vn', 'bank.vn:', ''])
      expect(accepts({ sector }), sector).toBe(false);
  });
});

describe('the metadata the provider is given for a client', () => {
  const base: RelyingParty = {
    clientId: 'rp-1',
    kind: 'relying_party',
    authMethod: 'private_key_jwt',
    name: 'Cổng',
    redirectUris: ['https://rp.vn/cb'],
    postLogoutRedirectUris: ['https://rp.vn/bye'],
    backchannelLogoutUri: null,
    jwks: { keys: [{ kty: 'EC' }] },
    scopes: ['openid', 'profile'],
    claims: ['sub', 'name'],
    minLevel: 2,
    sector: 'rp.vn',
    createdAt: '2026-12-07T00:00:00.000Z',
    disabled: false,
  };

  it('holds a relying party to FAPI 2.0: PAR, DPoP, private_key_jwt, the code flow, pairwise subjects', () => {
    expect(clientMetadata(base)).toEqual({
      client_id: 'rp-1',
      client_name: 'Cổng',
      redirect_uris: ['https://rp.vn/cb'],
      post_logout_redirect_uris: ['https://rp.vn/bye'],
      jwks: { keys: [{ kty: 'EC' }] },
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: 'openid profile',
      subject_type: 'pairwise',
      id_token_signed_response_alg: 'ES256',
      dpop_bound_access_tokens: true,
      require_pushed_authorization_requests: true,
      dinhdanh_min_level: 2,
      dinhdanh_claims: ['sub', 'name'],
      dinhdanh_sector: 'rp.vn',
    });
    const offline = clientMetadata({
      ...base,
      scopes: ['openid', 'offline_access'],
      backchannelLogoutUri: 'https://rp.vn/logout',
    });
    expect(offline.grant_types).toEqual(['authorization_code', 'refresh_token']);
    expect(offline).toMatchObject({
      backchannel_logout_uri: 'https://rp.vn/logout',
      backchannel_logout_session_required: true,
    });
  });

  it('gives an agency the client credentials grant only, with DPoP-bound tokens and no redirects', () => {
    expect(
      clientMetadata({
        ...base,
        kind: 'service',
        authMethod: 'self_signed_tls_client_auth',
        scopes: ['exchange.verify', 'exchange.lookup'],
      }),
    ).toEqual({
      client_id: 'rp-1',
      client_name: 'Cổng',
      redirect_uris: [],
      response_types: [],
      grant_types: ['client_credentials'],
      jwks: { keys: [{ kty: 'EC' }] },
      token_endpoint_auth_method: 'self_signed_tls_client_auth',
      scope: 'exchange.verify exchange.lookup',
      dpop_bound_access_tokens: true,
      dinhdanh_kind: 'service',
    });
    expect(SERVICE_TOKEN_TTL).toBeLessThanOrEqual(300);
  });
});

describe('the client certificate of a request', () => {
  const der = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
  // Base64 in lines of 64 characters (136 characters: two full lines and one of 8).
  const b64 = der.toString('base64');
  const pem = `-----BEGIN CERTIFICATE-----\n${b64.slice(0, 64)}\n${b64.slice(64, 128)}\n${b64.slice(128)}\n-----END CERTIFICATE-----\n`;
  const header = `:${der.toString('base64')}:`;

  it("takes this server's own TLS peer certificate first", () => {
    const socket = { getPeerCertificate: () => ({ raw: der }) };
    expect(requestClientCertificate(socket, undefined, false)).toBe(pem);
    expect(requestClientCertificate(socket, ':AAAA:', true)).toBe(pem);
  });

  it("takes a proxy's Client-Cert header only when told to trust it, and only well formed", () => {
    const plain = {};
    expect(requestClientCertificate(plain, header, true)).toBe(pem);
    expect(requestClientCertificate(plain, ` ${header} `, true)).toBe(pem);
    expect(requestClientCertificate({ getPeerCertificate: () => ({}) }, header, true)).toBe(pem);
    expect(requestClientCertificate(plain, header, false)).toBeUndefined();
    expect(requestClientCertificate(plain, undefined, true)).toBeUndefined();
    expect(requestClientCertificate(plain, '', true)).toBeUndefined();
    for (const bad of [
      der.toString('base64'),
      `:${der.toString('base64')}`,
      `x${header}`,
      `${header}x`,
      ':a b:',
      '::',
    ])
      expect(requestClientCertificate(plain, bad, true), bad).toBeUndefined();
    // 16,384 characters of base64 at most.
    expect(requestClientCertificate(plain, `:${'A'.repeat(16_384)}:`, true)).toMatch(/^-----BEGIN/);
    expect(requestClientCertificate(plain, `:${'A'.repeat(16_388)}:`, true)).toBeUndefined();
  });
});
