import { testDatabaseKind } from '@dinhdanh/db/testing';
import { createSession } from '@dinhdanh/identity';
import { ACR_LEVEL1, ACR_LEVEL2 } from '@dinhdanh/oidc';
import { redisServerAvailable, startRedisServer } from '@dinhdanh/oidc/testing';
import * as jose from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Citizen,
  CookieJar,
  logoutReceiver,
  type OidcTestServer,
  rpConfig,
  rpKeys,
  SESSION_COOKIE,
  startOidcServer,
} from './oidc-harness.ts';

/** The OAuth error code an openid-client call failed with. */
async function oauthError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const e = error as {
      error?: string;
      cause?: { error?: string } | { parameters?: { error?: string } }[];
      message: string;
    };
    const challenge = Array.isArray(e.cause) ? e.cause[0]?.parameters?.error : undefined;
    return e.error ?? challenge ?? (e.cause as { error?: string } | undefined)?.error ?? e.message;
  }
  return 'no error';
}

type Rp = Awaited<ReturnType<typeof registerRp>>;

async function registerRp(
  s: OidcTestServer,
  body: { scopes?: string[]; minLevel?: 1 | 2; backchannelLogoutUri?: string; name?: string } = {},
) {
  const keys = await rpKeys();
  const redirectUri = 'https://rp.example.vn/callback';
  const response = await fetch(`${s.issuer}/api/oidc/v1/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.supervisorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: body.name ?? 'Cổng Dịch vụ công quốc gia',
      redirectUris: [redirectUri],
      postLogoutRedirectUris: ['https://rp.example.vn/bye'],
      jwks: keys.jwks,
      scopes: body.scopes ?? ['openid', 'profile', 'address', 'offline_access'],
      minLevel: body.minLevel ?? 1,
      ...(body.backchannelLogoutUri ? { backchannelLogoutUri: body.backchannelLogoutUri } : {}),
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const registered = (await response.json()) as { clientId: string };
  const config = await rpConfig(s.issuer, registered.clientId, keys.privateKey, keys.kid);
  return { ...keys, clientId: registered.clientId, redirectUri, config };
}

/**
 * Starts an authorization with PAR + PKCE + DPoP and follows the browser to the login page. A
 * browser that already has the provider's cookies (`jar`) and an identity session (`cookie`)
 * sends them, as a returning citizen's browser does.
 */
async function begin(
  rp: Rp,
  params: Record<string, string> = {},
  browser: { jar?: CookieJar; cookie?: string } = {},
) {
  const verifier = client.randomPKCECodeVerifier();
  const dpop = client.getDPoPHandle(rp.config, await client.randomDPoPKeyPair('ES256'));
  const url = await client.buildAuthorizationUrlWithPAR(
    rp.config,
    {
      redirect_uri: rp.redirectUri,
      scope: 'openid profile address',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...params,
    },
    { DPoP: dpop },
  );
  const jar = browser.jar ?? new CookieJar();
  const first = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(browser.cookie) } });
  jar.take(first);
  expect(first.status, await first.clone().text()).toBe(303);
  const location = first.headers.get('location')!;
  expect(location).toMatch(/^\/login\/[\w-]+$/);
  return { verifier, dpop, jar, uid: location.split('/').pop()!, url };
}

async function api(s: OidcTestServer, path: string, cookie: string, body?: unknown) {
  const response = await fetch(`${s.issuer}/api/oidc/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Follows a redirectTo through the provider; returns the next login uid or the RP callback URL. */
async function follow(s: OidcTestServer, jar: CookieJar, redirectTo: string, cookie: string) {
  const response = await fetch(new URL(redirectTo, s.issuer), {
    redirect: 'manual',
    headers: { cookie: jar.header(cookie) },
  });
  jar.take(response);
  expect(response.status, await response.clone().text()).toBe(303);
  return response.headers.get('location')!;
}

/** Login + consent through the interaction API, as the web app does; returns the callback URL. */
async function authorize(
  s: OidcTestServer,
  rp: Rp,
  identityCookie: string,
  params: Record<string, string> = {},
) {
  const flow = await begin(rp, params);
  const details = await api(s, `/interactions/${flow.uid}`, identityCookie);
  expect(details.json.prompt).toBe('login');
  const login = await api(s, `/interactions/${flow.uid}/login`, identityCookie, {});
  expect(login.status, JSON.stringify(login.json)).toBe(200);
  let next = await follow(s, flow.jar, login.json.redirectTo as string, identityCookie);
  if (next.startsWith('/login/')) {
    const uid = next.split('/').pop()!;
    const consentDetails = await api(s, `/interactions/${uid}`, identityCookie);
    expect(consentDetails.json.prompt).toBe('consent');
    const consent = await api(s, `/interactions/${uid}/consent`, identityCookie, { approve: true });
    expect(consent.status, JSON.stringify(consent.json)).toBe(200);
    next = await follow(s, flow.jar, consent.json.redirectTo as string, identityCookie);
  }
  return { ...flow, callback: new URL(next) };
}

/** The RP exchanges the code at the token endpoint (private_key_jwt, PKCE, DPoP). */
function exchange(rp: Rp, flow: Awaited<ReturnType<typeof authorize>>) {
  return client.authorizationCodeGrant(
    rp.config,
    flow.callback,
    { pkceCodeVerifier: flow.verifier },
    undefined,
    { DPoP: flow.dpop },
  );
}

/** Waits for the first back-channel logout token and returns its verified payload. */
async function logoutToken(s: OidcTestServer, receiver: { tokens: string[] }, clientId: string) {
  await expect.poll(() => receiver.tokens.length).toBeGreaterThan(0);
  const { payload } = await jose.jwtVerify(
    receiver.tokens[0]!,
    jose.createRemoteJWKSet(new URL(`${s.issuer}/oidc/jwks`)),
    { issuer: s.issuer, audience: clientId },
  );
  expect(payload.events).toHaveProperty(['http://schemas.openid.net/event/backchannel-logout']);
  return payload;
}

function suite(variant: 'sql' | 'redis') {
  let s: OidcTestServer;
  let stopRedis: (() => Promise<void>) | undefined;
  // A level-2 citizen (raised by an officer), logged in through the identity API in each test.
  let citizen: Citizen;

  beforeAll(async () => {
    let redisUrl: string | undefined;
    if (variant === 'redis') {
      const redis = await startRedisServer();
      redisUrl = redis.url;
      stopRedis = redis.stop;
    }
    s = await startOidcServer(redisUrl ? { redisUrl } : {});
    citizen = await s.citizen({
      level: 2,
      fullName: 'Nguyễn Thị Bình',
      dateOfBirth: '1990-05-17',
      sex: 'female',
    });
  });
  afterAll(async () => {
    await s?.close();
    await stopRedis?.();
  });

  it('publishes FAPI 2.0 discovery and a JWKS', async () => {
    const metadata = (await (await fetch(`${s.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.issuer).toBe(s.issuer);
    expect(metadata.require_pushed_authorization_requests).toBe(true);
    // Agencies may also authenticate with a registered self-signed certificate over mutual TLS (RFC 8705).
    expect(metadata.token_endpoint_auth_methods_supported).toEqual([
      'private_key_jwt',
      'self_signed_tls_client_auth',
    ]);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.grant_types_supported).not.toContain('implicit');
    expect(metadata.grant_types_supported).toContain('client_credentials');
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.acr_values_supported).toEqual([ACR_LEVEL1, ACR_LEVEL2]);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['ES256', 'PS256']);
    expect(metadata.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
    const jwks = (await (await fetch(metadata.jwks_uri as string)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.map((key) => key.alg).sort()).toEqual(['ES256', 'PS256']);
    expect(jwks.keys.every((key) => !('d' in key))).toBe(true);
  });

  it('logs a citizen in to a relying party: PAR, private_key_jwt, DPoP, PKCE, consent, userinfo, refresh, revocation', async () => {
    const rp = await registerRp(s);
    const session = await s.login(citizen);
    expect(session.acr).toBe(ACR_LEVEL2);
    const flow = await authorize(s, rp, session.cookie, {
      claims: JSON.stringify({ userinfo: { verified_claims: null } }),
    });
    expect(flow.callback.searchParams.get('iss')).toBe(s.issuer);
    const tokens = await client.authorizationCodeGrant(
      rp.config,
      flow.callback,
      { pkceCodeVerifier: flow.verifier, idTokenExpected: true },
      undefined,
      { DPoP: flow.dpop },
    );
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(s.issuer);
    expect(claims.acr).toBe(ACR_LEVEL2);
    expect(claims.amr).toEqual(['pwd', 'sms']);
    expect(claims.sub).not.toBe(citizen.accountId);
    expect(claims.sub).not.toContain(citizen.idNumber);
    expect(claims.sub).toMatch(/^[\w-]{43}$/);

    const userinfo = await client.fetchUserInfo(rp.config, tokens.access_token, claims.sub, {
      DPoP: flow.dpop,
    });
    expect(userinfo).toMatchObject({ name: 'Nguyễn Thị Bình', birthdate: '1990-05-17', gender: 'female' });
    expect((userinfo.address as { formatted: string }).formatted).toContain('Số 12 phố Quán Thánh');
    expect(userinfo.id_number).toBeUndefined();
    expect(userinfo.verified_claims).toMatchObject({ verification: { trust_framework: 'vn_eid' } });

    // The release is in the citizen's access log, under the RP.
    const entries = await s.database.db
      .selectFrom('audit.entry')
      .select(['actor_kind', 'actor_id', 'purpose', 'details'])
      .where('action', '=', 'oidc.claims.released')
      .where('actor_id', '=', rp.clientId)
      .execute();
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]!.actor_kind).toBe('relying_party');
    expect(entries[0]!.purpose).toBe(
      'Đăng nhập và xác thực với Cổng Dịch vụ công quốc gia / login and identity verification with Cổng Dịch vụ công quốc gia',
    );

    // A DPoP proof made with another key is refused.
    const otherKey = client.getDPoPHandle(rp.config, await client.randomDPoPKeyPair('ES256'));
    expect(
      await oauthError(client.fetchUserInfo(rp.config, tokens.access_token, claims.sub, { DPoP: otherKey })),
    ).toBe('invalid_token');

    // Refresh (offline_access is allowed to this RP but was not asked: no refresh token).
    expect(tokens.refresh_token).toBeUndefined();

    // Reusing the code fails.
    expect(await oauthError(exchange(rp, flow))).toBe('invalid_grant');

    // Revocation ends the access token.
    await client.tokenRevocation(rp.config, tokens.access_token);
    expect(
      await oauthError(client.fetchUserInfo(rp.config, tokens.access_token, claims.sub, { DPoP: flow.dpop })),
    ).toBe('invalid_token');
  });

  it("issues rotating refresh tokens only with offline_access; the holder's lock ends the provider session, refresh and tokens, and tells the RP", async () => {
    const receiver = await logoutReceiver();
    try {
      const rp = await registerRp(s, { backchannelLogoutUri: receiver.url });
      const holder = await s.citizen({ level: 2 });
      const session = await s.login(holder);
      const flow = await authorize(s, rp, session.cookie, {
        scope: 'openid profile offline_access',
        prompt: 'consent',
      });
      const tokens = await exchange(rp, flow);
      expect(tokens.refresh_token).toBeTruthy();
      const sub = tokens.claims()!.sub;
      const refreshed = await client.refreshTokenGrant(rp.config, tokens.refresh_token!, undefined, {
        DPoP: flow.dpop,
      });
      expect(refreshed.refresh_token).toBeTruthy();
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

      // The holder locks the account from the wallet (identity's real lock API).
      const lock = await s.identityApi('/me/lock', {
        cookie: session.cookie,
        body: { reason: 'Mất điện thoại' },
      });
      expect(lock.status, JSON.stringify(lock.json)).toBe(200);
      expect((await s.identityApi('/me', { cookie: session.cookie })).status).toBe(401);

      // identity's sessionEnded hook → the provider ends its session → back-channel logout.
      const payload = await logoutToken(s, receiver, rp.clientId);
      expect(payload.sub).toBe(sub);
      const left = await s.database.db
        .selectFrom('oidc.model')
        .select('id')
        .where('kind', '=', 'Session')
        .where('identity_session_id', '=', session.sessionId)
        .execute();
      expect(left).toEqual([]);

      expect(
        await oauthError(
          client.refreshTokenGrant(rp.config, refreshed.refresh_token!, undefined, { DPoP: flow.dpop }),
        ),
      ).toBe('invalid_grant');

      // A locked account cannot log in again either (after the right password, it is named).
      const again = await s.identityApi('/logins', {
        body: { idNumber: holder.idNumber, password: holder.password },
      });
      expect(again.json.code).toBe('ERR_ACCOUNT_LOCKED');
    } finally {
      await receiver.close();
    }
  });

  it('refuses a wrong redirect URI, a request without PAR and one without PKCE', async () => {
    const rp = await registerRp(s);
    const dpop = client.getDPoPHandle(rp.config, await client.randomDPoPKeyPair('ES256'));
    const pushed = async (redirectUri: string) =>
      oauthError(
        client.buildAuthorizationUrlWithPAR(
          rp.config,
          {
            redirect_uri: redirectUri,
            scope: 'openid',
            code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
            code_challenge_method: 'S256',
          },
          { DPoP: dpop },
        ),
      );
    // The registered URI, character for character, is accepted …
    expect(rp.redirectUri).toBe('https://rp.example.vn/callback');
    expect(await pushed(rp.redirectUri)).toBe('no error');
    // … and nothing else (FAPI 2.0: exact match): neither another path nor anything that merely
    // starts like it, resolves to it, or differs in case, slash, query, fragment, port or scheme.
    for (const wrong of [
      'https://rp.example.vn/other',
      'https://rp.example.vn/callbackevil',
      'https://rp.example.vn/callback/../evil',
      'https://rp.example.vn/callback/',
      'https://rp.example.vn/callback?next=https://evil.example',
      'https://rp.example.vn/callback#x',
      'https://rp.example.vn/Callback',
      'https://rp.example.vn:8443/callback',
      'https://rp.example.vn.evil.example/callback',
      'http://rp.example.vn/callback',
      'https://rp.example.vn/',
    ])
      expect(await pushed(wrong), wrong).toBe('invalid_request');
    expect(
      await oauthError(
        client.buildAuthorizationUrlWithPAR(
          rp.config,
          { redirect_uri: rp.redirectUri, scope: 'openid' },
          { DPoP: dpop },
        ),
      ),
    ).toBe('invalid_request');
    const plain = client.buildAuthorizationUrl(rp.config, {
      redirect_uri: rp.redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const response = await fetch(plain, { redirect: 'manual' });
    const location = response.headers.get('location') ?? '';
    const text = location ? decodeURIComponent(location) : await response.text();
    expect(text).toMatch(/error=invalid_request/);
    expect(text).toMatch(/Pushed.Authorization.Request/i);
  });

  it('refuses an expired PAR request and a replayed client assertion', async () => {
    const rp = await registerRp(s);
    const flowUrl = await client.buildAuthorizationUrlWithPAR(
      rp.config,
      {
        redirect_uri: rp.redirectUri,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      },
      { DPoP: client.getDPoPHandle(rp.config, await client.randomDPoPKeyPair('ES256')) },
    );
    const requestUri = flowUrl.searchParams.get('request_uri')!;
    const id = requestUri.split(':').pop()!;
    if (variant === 'sql')
      await s.database.db
        .updateTable('oidc.model')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('kind', '=', 'PushedAuthorizationRequest')
        .where('id', '=', id)
        .execute();
    else await s.oidc.provider.PushedAuthorizationRequest.adapter.destroy(id);
    const response = await fetch(flowUrl, { redirect: 'manual' });
    const location = decodeURIComponent(response.headers.get('location') ?? (await response.text()));
    expect(location).toMatch(/invalid_request_uri|request_uri/);

    // The same client assertion (same jti) twice.
    const assertion = await new jose.SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: rp.kid })
      .setIssuer(rp.clientId)
      .setSubject(rp.clientId)
      .setAudience(s.issuer)
      .setJti('replayed-jti')
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('60s')
      .sign(rp.privateKey);
    const par = (async () =>
      fetch(`${s.issuer}/oidc/request`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: rp.clientId,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
          response_type: 'code',
          redirect_uri: rp.redirectUri,
          scope: 'openid',
          code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
        }),
      }))();
    const first = await par;
    expect(first.status, await first.clone().text()).toBe(201);
    const second = await fetch(`${s.issuer}/oidc/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: rp.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        response_type: 'code',
        redirect_uri: rp.redirectUri,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      }),
    });
    expect(second.status).toBe(401);
    expect(await second.text()).toMatch(/invalid_client/);
  });

  it('asks a level-1 account to upgrade for a level-2 service; cancelling reaches the RP as an error', async () => {
    const rp = await registerRp(s, { minLevel: 2 });
    const levelOne = await s.citizen({ level: 1 });
    // Password + SMS code is two factors, but a level-1 account's session is level 1 (ADR 0005).
    const { cookie, acr, amr } = await s.login(levelOne);
    expect({ acr, amr }).toEqual({ acr: ACR_LEVEL1, amr: ['pwd', 'sms'] });
    const flow = await begin(rp);
    const details = await api(s, `/interactions/${flow.uid}`, cookie);
    expect(details.json).toMatchObject({ requiredLevel: 2, upgradeRequired: true, stepUpRequired: false });
    const login = await api(s, `/interactions/${flow.uid}/login`, cookie, {});
    expect(login.status).toBe(403);
    expect(login.json.code).toBe('ERR_LEVEL_INSUFFICIENT');
    const abort = await api(s, `/interactions/${flow.uid}/abort`, cookie, { reason: 'upgrade_required' });
    const callback = new URL(await follow(s, flow.jar, abort.json.redirectTo as string, cookie));
    expect(callback.searchParams.get('error')).toBe('unmet_authentication_requirements');
    expect(
      await oauthError(
        client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: flow.verifier }, undefined, {
          DPoP: flow.dpop,
        }),
      ),
    ).toBe('unmet_authentication_requirements');

    // The officer raises the account in person: the level-1 session it already has must step up…
    await s.raiseToLevel2(levelOne);
    const again = await begin(rp);
    expect((await api(s, `/interactions/${again.uid}`, cookie)).json).toMatchObject({
      upgradeRequired: false,
      stepUpRequired: true,
    });
    const refused = await api(s, `/interactions/${again.uid}/login`, cookie, {});
    expect(refused.status).toBe(403);

    // …and a new password + SMS login reaches level 2, which the RP then receives.
    const stepped = await s.login(levelOne);
    expect(stepped.acr).toBe(ACR_LEVEL2);
    const flow2 = await authorize(s, rp, stepped.cookie);
    const tokens = await exchange(rp, flow2);
    expect(tokens.claims()).toMatchObject({ acr: ACR_LEVEL2, amr: ['pwd', 'sms'] });
  });

  it('asks a level-1 provider session to log in again for a level-2 service; consent alone never gets there', async () => {
    const levelOneRp = await registerRp(s, { name: 'Cổng thông tin xã' });
    const levelTwoRp = await registerRp(s, { minLevel: 2, name: 'Ngân hàng' });
    const holder = await s.citizen({ level: 1 });
    const { cookie } = await s.login(holder);
    // A level-1 login to a level-1 service leaves the browser with a provider session at level 1 …
    const first = await authorize(s, levelOneRp, cookie);
    expect((await exchange(levelOneRp, first)).claims()?.acr).toBe(ACR_LEVEL1);
    expect([...first.jar.cookies.keys()]).toContain('_session');

    // … which the same browser brings to the level-2 service: the provider must not go on to
    // consent with it, but ask for a login that reaches level 2.
    const flow = await begin(levelTwoRp, {}, { jar: first.jar, cookie });
    const details = await api(s, `/interactions/${flow.uid}`, cookie);
    expect(details.json).toMatchObject({
      prompt: 'login',
      requiredLevel: 2,
      session: { level: 1, accountLevel: 1, satisfies: false },
      upgradeRequired: true,
    });
    const consent = await api(s, `/interactions/${flow.uid}/consent`, cookie, { approve: true });
    expect(consent.status).not.toBe(200);
    const login = await api(s, `/interactions/${flow.uid}/login`, cookie, {});
    expect([login.status, login.json.code]).toEqual([403, 'ERR_LEVEL_INSUFFICIENT']);
  });

  it("never continues a provider session of one account with another account's identity session", async () => {
    const rp = await registerRp(s, { name: 'Thư viện' });
    const first = await s.login(citizen);
    const asFirst = await authorize(s, rp, first.cookie);
    const firstSub = (await exchange(rp, asFirst)).claims()?.sub;
    // Someone else logs in to their own eID in the same browser: the provider's session (of the
    // first citizen, who already consented to this RP) must not answer for them.
    const other = await s.citizen({ level: 1 });
    const second = await s.login(other);
    const flow = await begin(rp, {}, { jar: asFirst.jar, cookie: second.cookie });
    expect((await api(s, `/interactions/${flow.uid}`, second.cookie)).json.prompt).toBe('login');
    const login = await api(s, `/interactions/${flow.uid}/login`, second.cookie, {});
    expect(login.status, JSON.stringify(login.json)).toBe(200);
    // The provider does not go on as the first citizen: it ends their session first (a
    // self-submitting logout form), before the second citizen goes on with their own consent.
    const resumed = await fetch(new URL(login.json.redirectTo as string, s.issuer), {
      redirect: 'manual',
      headers: { cookie: flow.jar.header(second.cookie) },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get('location')).toBeNull();
    const form = await resumed.text();
    expect(form.match(/action="([^"]+)"/)?.[1]).toBe(`${s.issuer}/oidc/session/end/confirm`);
    expect(form).toMatch(/name="logout" value="yes"/);
    expect(firstSub).toBeTruthy();
  });

  it('re-checks the level at the consent step: a session that no longer reaches it cannot consent', async () => {
    const rp = await registerRp(s, { minLevel: 2, name: 'Bảo hiểm' });
    const holder = await s.citizen({ level: 2 });
    const strong = await s.login(holder);
    expect(strong.acr).toBe(ACR_LEVEL2);
    const flow = await begin(rp);
    const login = await api(s, `/interactions/${flow.uid}/login`, strong.cookie, {});
    expect(login.status, JSON.stringify(login.json)).toBe(200);
    const next = await follow(s, flow.jar, login.json.redirectTo as string, strong.cookie);
    const uid = next.split('/').pop()!;
    expect((await api(s, `/interactions/${uid}`, strong.cookie)).json.prompt).toBe('consent');

    // Between login and consent the browser's identity session is replaced by a single-factor
    // one of the same account: it does not vouch for level 2, so it cannot approve.
    const weak = await createSession(s.identity, { accountId: holder.accountId, acr: 1, amr: ['pwd'] });
    const weakCookie = `${SESSION_COOKIE}=${weak.token}`;
    const refused = await api(s, `/interactions/${uid}/consent`, weakCookie, { approve: true });
    expect([refused.status, refused.json.code]).toEqual([403, 'ERR_LEVEL_INSUFFICIENT']);
    // The level-2 session still can.
    const approved = await api(s, `/interactions/${uid}/consent`, strong.cookie, { approve: true });
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    const callback = new URL(await follow(s, flow.jar, approved.json.redirectTo as string, strong.cookie));
    const tokens = await client.authorizationCodeGrant(
      rp.config,
      callback,
      { pkceCodeVerifier: flow.verifier },
      undefined,
      { DPoP: flow.dpop },
    );
    expect(tokens.claims()?.acr).toBe(ACR_LEVEL2);
  });

  it('remembers consent per RP, lets the citizen withdraw it (tokens revoked), and logs out over the back channel', async () => {
    const receiver = await logoutReceiver();
    try {
      const rp = await registerRp(s, { backchannelLogoutUri: receiver.url });
      const holder = await s.citizen({ level: 2 });
      const first = await s.login(holder);
      const flow = await authorize(s, rp, first.cookie);
      const tokens = await exchange(rp, flow);
      const sub = tokens.claims()!.sub;

      // A new login in another browser: consent is not asked again.
      const second = await s.login(holder);
      const again = await begin(rp);
      const login = await api(s, `/interactions/${again.uid}/login`, second.cookie, {});
      const next = await follow(s, again.jar, login.json.redirectTo as string, second.cookie);
      expect(next).toMatch(/^https:\/\/rp\.example\.vn\/callback\?code=/);

      const consents = await api(s, '/me/consents', second.cookie);
      expect((consents.json.items as { clientId: string }[]).map((item) => item.clientId)).toContain(
        rp.clientId,
      );

      // The citizen logs out of the first browser (identity's real logout): the RP hears of it
      // through identity's sessionEnded hook.
      const linked = await s.database.db
        .selectFrom('oidc.model')
        .select('identity_session_id')
        .where('kind', '=', 'Session')
        .execute();
      expect(linked.map((row) => row.identity_session_id)).toContain(first.sessionId);
      expect(receiver.tokens).toEqual([]);
      const logout = await s.identityApi('/logout', { cookie: first.cookie, method: 'POST' });
      expect(logout.status).toBe(200);
      const payload = await logoutToken(s, receiver, rp.clientId);
      expect(payload.sub).toBe(sub);

      // Withdrawal revokes the grant and its tokens.
      const withdraw = await fetch(`${s.issuer}/api/oidc/v1/me/consents/${rp.clientId}`, {
        method: 'DELETE',
        headers: { cookie: second.cookie },
      });
      expect(withdraw.status).toBe(204);
      expect(
        await oauthError(client.fetchUserInfo(rp.config, tokens.access_token, sub, { DPoP: flow.dpop })),
      ).toBe('invalid_token');
    } finally {
      await receiver.close();
    }
  });

  it('ends the provider session on RP-initiated logout', async () => {
    const rp = await registerRp(s);
    const { cookie } = await s.login(citizen);
    const flow = await authorize(s, rp, cookie);
    const tokens = await exchange(rp, flow);
    const endUrl = client.buildEndSessionUrl(rp.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://rp.example.vn/bye',
    });
    const page = await fetch(endUrl, { headers: { cookie: flow.jar.header(cookie) } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const xsrf = html.match(/name="xsrf" value="([^"]+)"/)?.[1];
    expect(xsrf).toBeTruthy();
    const confirm = await fetch(`${s.issuer}/oidc/session/end/confirm`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: flow.jar.header(cookie), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }),
    });
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('location')).toMatch(/^https:\/\/rp\.example\.vn\/bye/);
  });

  it('lets only a national supervisor manage relying parties and refuses private keys', async () => {
    const officer = await fetch(`${s.issuer}/api/oidc/v1/admin/clients`, {
      headers: { authorization: `Bearer ${s.registryToken}` },
    });
    expect(officer.status).toBe(403);
    const { jwks } = await rpKeys();
    const { privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
    const response = await fetch(`${s.issuer}/api/oidc/v1/admin/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.supervisorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Ngân hàng',
        redirectUris: ['https://bank.example.vn/cb'],
        jwks: { keys: [{ ...jwks.keys[0], d: (await jose.exportJWK(privateKey)).d }] },
      }),
    });
    expect(response.status).toBe(400);
  });
}

describe(`OpenID provider, SQL store (${testDatabaseKind()})`, () => suite('sql'));

if (redisServerAvailable())
  describe(`OpenID provider, Redis for short-lived state (${testDatabaseKind()})`, () => suite('redis'));
else
  describe('OpenID provider, Redis for short-lived state', () => {
    // Missing infrastructure fails rather than skips: `.ci/run` installs redis-server.
    it('needs /usr/bin/redis-server (install the Debian package redis-server)', () => {
      expect.fail('redis-server is not installed');
    });
  });
