import { randomBytes, type webcrypto } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '@dinhdanh/db';
import type { Clock, Logger } from '@dinhdanh/kernel';
import { ACR_LEVEL2, findClient, registerClient } from '@dinhdanh/oidc';
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as oidcClient from 'openid-client';
import { receivedClaims } from './demo-rp-claims.ts';

/**
 * A development-only relying party — "Cổng Dịch vụ công (minh hoạ)" — so that a person trying
 * `npm start` can log in to something by hand: a confidential FAPI 2.0 client (PAR, PKCE,
 * private_key_jwt, DPoP) built on openid-client, exactly like a bank or portal would be. It is
 * mounted only by `dinhdanh serve --demo` outside production. Its state (PKCE verifier, nonce,
 * DPoP key) lives in this process's memory under a random cookie; the claims it receives are
 * shown once and never stored.
 */
export interface DemoRelyingPartyOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The provider's issuer; the demo RP lives on the same origin under /demo-rp. */
  issuer: string;
  keysDir: string;
}

interface Pending {
  codeVerifier: string;
  nonce: string;
  state: string;
  dpopKeys: webcrypto.CryptoKeyPair;
  createdAt: number;
}

const COOKIE = 'demo-rp';
const PENDING_TTL_MS = 10 * 60_000;

interface StoredRp {
  clientId: string;
  privateJwk: webcrypto.JsonWebKey;
}

/** Loads the demo RP's client id and key, registering it with the provider on first start. */
async function ensureClient(options: DemoRelyingPartyOptions, redirectUri: string): Promise<StoredRp> {
  const file = path.join(options.keysDir, 'demo-relying-party.json');
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as StoredRp;
    const client = await findClient(options.db, stored.clientId);
    if (client && !client.disabled && client.redirectUris.includes(redirectUri)) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const privateJwk = await crypto.subtle.exportKey('jwk', keys.privateKey);
  // Only the public members: WebCrypto's export also carries key_ops ["sign"] and ext, which
  // would forbid verifying with the published key.
  const publicJwk = { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y };
  const kid = randomBytes(8).toString('base64url');
  const client = await registerClient(options.db, options.clock, {
    name: 'Cổng Dịch vụ công (minh hoạ)',
    redirectUris: [redirectUri],
    postLogoutRedirectUris: [new URL('/demo-rp', redirectUri).href],
    jwks: { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] },
    scopes: ['openid', 'profile', 'address', 'phone', 'id_number'],
    minLevel: 1,
  });
  const stored: StoredRp = {
    clientId: client.clientId,
    privateJwk: { ...privateJwk, kid } as webcrypto.JsonWebKey,
  };
  await mkdir(options.keysDir, { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(stored), { mode: 0o600 });
  return stored;
}

/** What the provider's error codes mean to the person who just tried. */
const loginErrors: Record<string, string> = {
  access_denied: 'bạn đã không đồng ý chia sẻ thông tin / you declined to share your data',
  unmet_authentication_requirements:
    'tài khoản chưa đạt mức định danh dịch vụ yêu cầu / the account does not reach the level the service needs',
  login_required: 'cần đăng nhập lại / you need to log in again',
};

const escapeHtml = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function page(reply: FastifyReply, body: string, status = 200) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng Dịch vụ công (minh hoạ)</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
header{border-bottom:3px solid #b91c1c;margin-bottom:1rem}a.button,button{display:inline-block;background:#b91c1c;color:#fff;
padding:.6rem 1rem;border-radius:.4rem;text-decoration:none;border:0;font-size:1rem;margin:.25rem 0}
dl{margin:1rem 0;border-top:1px solid #e5e7eb}dl>div{display:grid;grid-template-columns:minmax(10rem,16rem) 1fr;gap:.25rem 1rem;
padding:.5rem 0;border-bottom:1px solid #e5e7eb}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
[lang=en]{color:#555;font-weight:400;font-size:.9em}a.button [lang=en]{color:#fee2e2}dt [lang=en]{display:block}.note{color:#555;font-size:.9rem}
@media (max-width:30rem){dl>div{grid-template-columns:1fr}}</style>
</head><body><header><h1>Cổng Dịch vụ công (minh hoạ)</h1>
<p class="note">Ứng dụng bên tin cậy dùng để thử đăng nhập — chỉ có ở chế độ phát triển.
<span lang="en">A demo relying party, development mode only.</span></p></header><main>${body}</main></body></html>`);
}

export async function demoRelyingParty(
  app: FastifyInstance,
  options: DemoRelyingPartyOptions,
): Promise<void> {
  const issuer = new URL(options.issuer);
  const redirectUri = new URL('/demo-rp/callback', issuer).href;
  const stored = await ensureClient(options, redirectUri);
  const privateKey = await crypto.subtle.importKey(
    'jwk',
    stored.privateJwk,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const kid = (stored.privateJwk as { kid?: string }).kid;
  const pending = new Map<string, Pending>();
  let configuration: oidcClient.Configuration | undefined;
  // Discovery runs on first use: the provider is this very server, listening only after start-up.
  const config = async () => {
    configuration ??= await oidcClient.discovery(
      issuer,
      stored.clientId,
      { id_token_signed_response_alg: 'ES256' },
      oidcClient.PrivateKeyJwt({ key: privateKey, ...(kid ? { kid } : {}) }),
      issuer.protocol === 'http:' ? { execute: [oidcClient.allowInsecureRequests] } : undefined,
    );
    return configuration;
  };
  const sweep = () => {
    const now = Date.now();
    for (const [key, value] of pending) if (now - value.createdAt > PENDING_TTL_MS) pending.delete(key);
  };

  app.get('/demo-rp', { schema: { hide: true } }, async (_request, reply) =>
    page(
      reply,
      `<p>Đăng nhập để nộp hồ sơ trực tuyến bằng tài khoản định danh điện tử.</p>
<p><a class="button" href="/demo-rp/login?level=1" data-testid="demo-rp-login-1">Đăng nhập bằng tài khoản định danh điện tử</a></p>
<p><a class="button" href="/demo-rp/login?level=2" data-testid="demo-rp-login-2">Đăng nhập (yêu cầu mức 2)</a></p>
<p class="note">Mức 2 cần tài khoản đã được công an cấp xã nâng mức. <span lang="en">Level 2 needs an account raised in person.</span></p>`,
    ),
  );

  app.get<{ Querystring: { level?: string } }>(
    '/demo-rp/login',
    { schema: { hide: true } },
    async (request, reply) => {
      sweep();
      const cfg = await config();
      const codeVerifier = oidcClient.randomPKCECodeVerifier();
      const entry: Pending = {
        codeVerifier,
        nonce: oidcClient.randomNonce(),
        state: oidcClient.randomState(),
        dpopKeys: await oidcClient.randomDPoPKeyPair('ES256'),
        createdAt: Date.now(),
      };
      const handle = randomBytes(24).toString('base64url');
      pending.set(handle, entry);
      let url: URL;
      try {
        url = await oidcClient.buildAuthorizationUrlWithPAR(
          cfg,
          {
            redirect_uri: redirectUri,
            scope: 'openid profile address phone id_number',
            // OpenID Connect for Identity Assurance: how and when a level-2 account was verified.
            claims: JSON.stringify({ userinfo: { verified_claims: null } }),
            code_challenge: await oidcClient.calculatePKCECodeChallenge(codeVerifier),
            code_challenge_method: 'S256',
            nonce: entry.nonce,
            state: entry.state,
            ...(request.query.level === '2' ? { acr_values: ACR_LEVEL2 } : {}),
          },
          { DPoP: oidcClient.getDPoPHandle(cfg, entry.dpopKeys) },
        );
      } catch (error) {
        pending.delete(handle);
        options.logger.warn({ err: error }, 'demo relying party: pushed authorization request refused');
        return page(
          reply,
          '<p role="alert">Nhà cung cấp định danh từ chối yêu cầu. <a href="/demo-rp">Thử lại</a></p>',
          502,
        );
      }
      return reply
        .header(
          'set-cookie',
          `${COOKIE}=${handle}; Path=/demo-rp; HttpOnly; SameSite=Lax${issuer.protocol === 'https:' ? '; Secure' : ''}`,
        )
        .redirect(url.href);
    },
  );

  app.get('/demo-rp/callback', { schema: { hide: true } }, async (request, reply) => {
    const handle = /(?:^|;\s*)demo-rp=([A-Za-z0-9_-]+)/.exec(request.headers.cookie ?? '')?.[1];
    const entry = handle ? pending.get(handle) : undefined;
    if (!handle || !entry)
      return page(
        reply,
        '<p role="alert">Phiên đăng nhập đã hết hạn. <a href="/demo-rp">Thử lại</a></p>',
        400,
      );
    pending.delete(handle);
    const cfg = await config();
    const dpop = oidcClient.getDPoPHandle(cfg, entry.dpopKeys);
    const current = new URL(request.url, issuer);
    if (current.searchParams.has('error')) {
      const error = current.searchParams.get('error');
      return page(
        reply,
        `<p role="alert">Đăng nhập không thành công${error && loginErrors[error] ? ` — ${escapeHtml(loginErrors[error])}` : ''}. <code>${escapeHtml(error)}</code></p><p><a href="/demo-rp">Quay lại <span lang="en">/ Back</span></a></p>`,
        400,
      );
    }
    try {
      const tokens = await oidcClient.authorizationCodeGrant(
        cfg,
        current,
        {
          pkceCodeVerifier: entry.codeVerifier,
          expectedNonce: entry.nonce,
          expectedState: entry.state,
          idTokenExpected: true,
        },
        undefined,
        { DPoP: dpop },
      );
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('no ID token');
      const userinfo = await oidcClient.fetchUserInfo(cfg, tokens.access_token, idClaims.sub, { DPoP: dpop });
      const rows = receivedClaims({ ...userinfo, acr: idClaims.acr, amr: idClaims.amr })
        .map(
          ({ claim, label, value }) =>
            `<div data-claim="${escapeHtml(claim)}"><dt>${escapeHtml(label.vi)} <span lang="en">${escapeHtml(label.en)}</span></dt>` +
            `<dd>${escapeHtml(value.vi)}${value.en ? ` <span lang="en">(${escapeHtml(value.en)})</span>` : ''}</dd></div>`,
        )
        .join('');
      const logout = oidcClient.buildEndSessionUrl(cfg, {
        ...(tokens.id_token ? { id_token_hint: tokens.id_token } : {}),
        post_logout_redirect_uri: new URL('/demo-rp', issuer).href,
      });
      return page(
        reply,
        `<h2 data-testid="demo-rp-greeting">Xin chào, ${escapeHtml(userinfo.name ?? '')}</h2>
<p>Cổng đã nhận các thông tin sau từ hệ thống định danh điện tử (bạn đã đồng ý chia sẻ).
<span lang="en">The portal received this from the eID system, with your consent.</span></p>
<dl data-testid="demo-rp-claims">${rows}</dl>
<p class="note">Cổng không lưu lại các thông tin này; nhật ký truy cập trong ví ghi lại lần chia sẻ.
<span lang="en">The portal keeps none of it; the wallet's access log records the release.</span></p>
<p><a class="button" href="${escapeHtml(logout.href)}">Đăng xuất <span lang="en">/ Log out</span></a></p>`,
      );
    } catch (error) {
      options.logger.warn({ err: error }, 'demo relying party: token exchange failed');
      return page(
        reply,
        '<p role="alert">Không đổi được mã lấy token. <a href="/demo-rp">Thử lại</a></p>',
        502,
      );
    }
  });
}
