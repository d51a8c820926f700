import { createHmac } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Redis } from 'ioredis';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import { adapterFactory } from '../adapter/adapter-factory.ts';
import { releaseClaims, requestedClaimNames } from '../claims/account-claims.ts';
import { knownScopes, scopeClaims } from '../claims/claim-catalogue.ts';
import type { RelyingParty } from '../client/client.schema.ts';
import { findClient } from '../client/client.service.ts';
import { activeConsentGrantId } from '../consent/consent.repository.ts';
import { ACR_LEVEL1, ACR_LEVEL2, type OidcContext } from '../context.ts';
import { IDENTITY_SESSION_STATE, interactionPolicyFor } from './level-policy.ts';
import type { PrivateJwk } from './provider-keys.ts';

export interface ProviderOptions {
  issuer: string;
  /** Private signing JWKs, newest first (see provider-keys.ts). */
  signingKeys: PrivateJwk[];
  /** Secrets from the key store: cookie signing and pairwise subjects. */
  cookieKey: Uint8Array;
  pairwiseKey: Uint8Array;
  redis?: Redis | undefined;
  /** Behind a TLS-terminating proxy: trust X-Forwarded-* (the issuer is https then). */
  proxy: boolean;
  /**
   * Tests only: let the provider's outgoing requests (back-channel logout) reach loopback RPs,
   * which its SSRF protection otherwise refuses.
   */
  allowLoopbackFetch?: boolean;
  /**
   * The API that service clients (agencies) get tokens for with the client credentials grant:
   * its resource indicator (the tokens' audience) and the scopes it knows. Its access tokens are
   * JWTs, so the API verifies them without calling the provider.
   */
  serviceResource?: { audience: string; scopes: readonly string[] } | undefined;
  /**
   * Accept the RFC 9440 `Client-Cert` header as the mutual-TLS client certificate: only behind a
   * TLS-terminating proxy that verifies certificates and removes the header from clients.
   */
  trustClientCertHeader?: boolean;
}

const pem = (der: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

/** The client certificate of a request: from this server's own TLS socket, or a trusted proxy's header. */
export function requestClientCertificate(
  socket: unknown,
  header: string | undefined,
  trustHeader: boolean,
): string | undefined {
  const tls = socket as Partial<TLSSocket>;
  if (typeof tls.getPeerCertificate === 'function') {
    const peer = tls.getPeerCertificate(false);
    if (peer?.raw) return pem(peer.raw);
  }
  if (!trustHeader || !header) return undefined;
  // RFC 9440: the DER certificate as a byte sequence (RFC 8941), base64 between colons.
  const match = /^:([A-Za-z0-9+/]+={0,2}):$/.exec(header.trim());
  if (!match?.[1] || match[1].length > 16_384) return undefined;
  return pem(Buffer.from(match[1], 'base64'));
}

/** Lifetime of a service client's access token: short, as a JWT cannot be recalled. */
export const SERVICE_TOKEN_TTL = 300;

const ONE_DAY = 24 * 3600;

/** The client metadata oidc-provider sees for a registered relying party. */
export function clientMetadata(rp: RelyingParty): Record<string, unknown> {
  if (rp.kind === 'service')
    return {
      client_id: rp.clientId,
      client_name: rp.name,
      redirect_uris: [],
      response_types: [],
      grant_types: ['client_credentials'],
      jwks: rp.jwks,
      token_endpoint_auth_method: rp.authMethod,
      scope: rp.scopes.join(' '),
      dpop_bound_access_tokens: true,
      dinhdanh_kind: 'service',
    };
  const offline = rp.scopes.includes('offline_access');
  return {
    client_id: rp.clientId,
    client_name: rp.name,
    redirect_uris: rp.redirectUris,
    post_logout_redirect_uris: rp.postLogoutRedirectUris,
    ...(rp.backchannelLogoutUri
      ? { backchannel_logout_uri: rp.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
    jwks: rp.jwks,
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: offline ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
    response_types: ['code'],
    scope: rp.scopes.join(' '),
    subject_type: 'pairwise',
    id_token_signed_response_alg: 'ES256',
    dpop_bound_access_tokens: true,
    require_pushed_authorization_requests: true,
    dinhdanh_min_level: rp.minLevel,
    dinhdanh_claims: rp.claims,
    dinhdanh_sector: rp.sector,
  };
}

/**
 * The OpenID provider, held to the FAPI 2.0 Security Profile: PAR required, PKCE S256,
 * private_key_jwt only, DPoP-bound tokens, `iss` in the authorization response, codes single use
 * for 60 s, PS256/ES256 (EdDSA for client keys and DPoP) only, exact redirect URIs.
 */
export function createProvider(ctx: OidcContext, options: ProviderOptions): Provider {
  const { identity } = ctx;
  const identitySession = () =>
    (Provider.ctx as KoaContextWithOIDC | undefined)?.state?.[IDENTITY_SESSION_STATE] as string | undefined;
  const sqlOrRedis = adapterFactory({ db: ctx.db, redis: options.redis, identitySession });

  // Clients come from oidc.client; every other model from the store. A token request looks its
  // client up more than once; a few seconds' cache saves those reads, and a disabled client is
  // refused within that time on every process.
  const clientCache = new Map<
    string,
    { at: number; metadata: ReturnType<typeof clientMetadata> | undefined }
  >();
  const CLIENT_CACHE_MS = 5_000;
  class ClientAdapter {
    async find(id: string) {
      const now = Date.now();
      const cached = clientCache.get(id);
      if (cached && now - cached.at < CLIENT_CACHE_MS) return cached.metadata;
      const rp = await findClient(ctx.db, id);
      const metadata = rp && !rp.disabled ? clientMetadata(rp) : undefined;
      if (clientCache.size >= 1_000) clientCache.clear();
      clientCache.set(id, { at: now, metadata });
      return metadata;
    }
    async upsert() {}
    async findByUid() {
      return undefined;
    }
    async findByUserCode() {
      return undefined;
    }
    async consume() {}
    async destroy() {}
    async revokeByGrantId() {}
  }
  const adapter = (name: string) => (name === 'Client' ? new ClientAdapter() : sqlOrRedis(name));

  // Standalone claims (null) and scope → claims.
  const claims: Record<string, string[] | null> = {
    acr: null,
    amr: null,
    auth_time: null,
    sid: null,
    verified_claims: null,
  };
  for (const [scope, names] of Object.entries(scopeClaims)) if (names.length) claims[scope] = [...names];

  const configuration: Configuration = {
    adapter: adapter as unknown as Configuration['adapter'],
    clients: [],
    async findAccount(koa, sub) {
      const account = await identity.findAccount(sub);
      // A locked account, or one gone, gets nothing: refresh and userinfo fail at once.
      if (!account || account.locked) return undefined;
      return {
        accountId: sub,
        async claims(use, scope, requested, rejected) {
          const client = koa.oidc.client;
          if (!client) return { sub };
          const names =
            use === 'id_token'
              ? Object.keys(requested ?? {}).filter((name) => !rejected.includes(name))
              : requestedClaimNames(scope, requested as Record<string, unknown>, rejected);
          return releaseClaims(
            ctx,
            account,
            sub,
            {
              clientId: client.clientId,
              clientName: client.clientName ?? client.clientId,
              allowedClaims: (client['dinhdanh_claims'] as string[] | undefined) ?? [],
            },
            use === 'id_token' ? 'id_token' : 'userinfo',
            names,
          );
        },
      };
    },
    claims,
    scopes: [...knownScopes, ...(options.serviceResource?.scopes ?? [])],
    acrValues: [ACR_LEVEL1, ACR_LEVEL2],
    subjectTypes: ['pairwise'],
    async pairwiseIdentifier(_koa, accountId, client) {
      const sector = (client['dinhdanh_sector'] as string | undefined) ?? client.sectorIdentifier ?? '';
      return createHmac('sha256', options.pairwiseKey)
        .update(`${sector}\u0000${accountId}`)
        .digest('base64url');
    },
    extraClientMetadata: {
      properties: ['dinhdanh_min_level', 'dinhdanh_claims', 'dinhdanh_sector', 'dinhdanh_kind'],
    },
    // Relying parties register private_key_jwt; agencies may use a self-signed certificate over mTLS.
    clientAuthMethods: ['private_key_jwt', 'self_signed_tls_client_auth'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'private_key_jwt',
      id_token_signed_response_alg: 'ES256',
    },
    enabledJWA: {
      clientAuthSigningAlgValues: ['PS256', 'ES256', 'EdDSA'],
      idTokenSigningAlgValues: ['ES256', 'PS256'],
      userinfoSigningAlgValues: ['ES256', 'PS256'],
      introspectionSigningAlgValues: ['ES256', 'PS256'],
      authorizationSigningAlgValues: ['ES256', 'PS256'],
      requestObjectSigningAlgValues: ['ES256', 'PS256'],
      dPoPSigningAlgValues: ['ES256', 'PS256', 'EdDSA'],
    },
    features: {
      devInteractions: { enabled: false },
      fapi: { enabled: true, profile: '2.0' },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
      dPoP: { enabled: true },
      claimsParameter: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(koa, form) {
          koa.type = 'html';
          koa.body = `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Đăng xuất</title></head><body>${form}<p>Bạn có muốn đăng xuất khỏi tài khoản định danh điện tử? / Log out of your eID account?</p><button form="op.logoutForm" value="yes" name="logout">Đăng xuất / Log out</button><button form="op.logoutForm">Không / No</button></body></html>`;
        },
        async postLogoutSuccessSource(koa) {
          koa.type = 'html';
          koa.body =
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Đã đăng xuất</title></head><body><p>Bạn đã đăng xuất. / You have logged out.</p></body></html>';
        },
      },
      mTLS: {
        enabled: true,
        selfSignedTlsClientAuth: true,
        getCertificate: (koa) =>
          requestClientCertificate(
            koa.socket,
            koa.get('client-cert') || undefined,
            options.trustClientCertHeader === true,
          ),
      },
      // Agencies: client credentials for the exchange API only (resource indicators below).
      clientCredentials: { enabled: options.serviceResource !== undefined },
      resourceIndicators: {
        enabled: true,
        async defaultResource(_koa, client, oneOf) {
          if (client?.['dinhdanh_kind'] === 'service' && options.serviceResource)
            return options.serviceResource.audience;
          return oneOf;
        },
        async getResourceServerInfo(_koa, resource, client) {
          const service = options.serviceResource;
          if (!service || resource !== service.audience || client['dinhdanh_kind'] !== 'service')
            throw new errors.InvalidTarget();
          return {
            scope: client.scope ?? '',
            audience: service.audience,
            accessTokenTTL: SERVICE_TOKEN_TTL,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
        async useGrantedResource() {
          return false;
        },
      },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
    },
    pkce: { required: () => true },
    // FAPI 2.0: the authorization code flow only (no implicit or hybrid responses advertised).
    responseTypes: ['code'],
    ttl: {
      AuthorizationCode: 60,
      AccessToken: 300,
      ClientCredentials: SERVICE_TOKEN_TTL,
      IdToken: 300,
      Interaction: 600,
      // The identity session bounds a login to 24 h; the provider's own cannot outlive it.
      Session: ONE_DAY,
      RefreshToken: 14 * ONE_DAY,
      // Consent is remembered per RP until the citizen withdraws it.
      Grant: 365 * ONE_DAY,
    },
    issueRefreshToken: async (_koa, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: true,
    async loadExistingGrant(koa) {
      const { oidc } = koa;
      const clientId = oidc.client?.clientId;
      if (!clientId) return undefined;
      const grantId =
        oidc.result?.consent?.grantId ||
        oidc.session?.grantIdFor(clientId) ||
        (oidc.session?.accountId
          ? await activeConsentGrantId(ctx.db, oidc.session.accountId, clientId)
          : undefined);
      if (!grantId) return undefined;
      const grant = await oidc.provider.Grant.find(grantId);
      // A remembered grant serves only the account and client it was made for.
      return grant && grant.accountId === oidc.session?.accountId && grant.clientId === clientId
        ? grant
        : undefined;
    },
    interactions: {
      policy: interactionPolicyFor(identity),
      url: (_koa, interaction) => `/login/${interaction.uid}`,
    },
    routes: {
      authorization: '/oidc/auth',
      backchannel_authentication: '/oidc/backchannel',
      code_verification: '/oidc/device',
      device_authorization: '/oidc/device/auth',
      end_session: '/oidc/session/end',
      introspection: '/oidc/token/introspection',
      jwks: '/oidc/jwks',
      pushed_authorization_request: '/oidc/request',
      registration: '/oidc/reg',
      revocation: '/oidc/token/revocation',
      token: '/oidc/token',
      userinfo: '/oidc/me',
      challenge: '/oidc/challenge',
    },
    cookies: {
      keys: [Buffer.from(options.cookieKey).toString('base64url')],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    jwks: { keys: options.signingKeys as unknown as NonNullable<Configuration['jwks']>['keys'] },
    ...(options.allowLoopbackFetch
      ? {
          fetch: (url: string | URL | Request, init?: RequestInit & { dispatcher?: unknown }) => {
            const { dispatcher: _ssrfGuard, ...rest } = init ?? {};
            return globalThis.fetch(url, rest);
          },
        }
      : {}),
    discovery: { service_documentation: `${options.issuer}/docs` },
    async renderError(koa, out) {
      koa.type = 'html';
      const htmlText = (text: unknown) => String(text).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
      koa.body = `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Lỗi đăng nhập</title></head><body><h1>Không thể đăng nhập / Login failed</h1>${Object.entries(
        out,
      )
        .map(([key, value]) => `<p><strong>${htmlText(key)}</strong>: ${htmlText(value)}</p>`)
        .join('')}</body></html>`;
    },
  };
  const provider = new Provider(options.issuer, configuration);
  provider.proxy = options.proxy;
  provider.on('server_error', (_koa, error) => ctx.logger.error({ err: error }, 'oidc provider error'));
  provider.on('backchannel.error', (_koa, error) =>
    ctx.logger.warn({ err: error }, 'back-channel logout delivery failed'),
  );
  return provider;
}
