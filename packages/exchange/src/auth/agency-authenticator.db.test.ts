import { createHash, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { AppError, createLogger, fixedClock, jwsSigner } from '@dinhdanh/kernel';
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listUsage } from '../agency/agency.repository.ts';
import type { Agency, ExchangeScope } from '../agency/agency.schema.ts';
import { disableAgency, registerAgency } from '../agency/agency.service.ts';
import { agencyAuthenticator } from './agency-authenticator.ts';
import type { AgencyAuthenticator } from './agency-principal.ts';
import { jwkThumbprint } from './dpop.ts';
import { UsageMeter } from './usage-meter.ts';

// The exchange's authentication of agencies, check by check, with tokens and proofs made here:
// the provider's signature, issuer, audience, type and expiry; the DPoP binding, freshness and
// single use; the agency, its scopes, rate and quota. The same through the real provider and
// openid-client is in apps/server/test/exchange-api.db.test.ts.

const ISSUER = 'https://id.dinhdanh.vn';
const AUDIENCE = `${ISSUER}/api/exchange/v1`;
const PATH = '/api/exchange/v1/people/001085000001';
const PUBLIC_URL = `https://exchange.dinhdanh.vn${PATH}`;
const clock = fixedClock('2026-12-07T03:00:00Z');
const seconds = () => Math.floor(clock.now().getTime() / 1000);

const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const provider = pair();
const retired = pair();
const dpopKey = pair();
const dpopJwk = dpopKey.publicKey.export({ format: 'jwk' });
const JKT = jwkThumbprint(dpopJwk);

let database: Database;
let meter: UsageMeter;
let agency: Agency;
let authenticate: AgencyAuthenticator;

function accessToken(
  claims: Record<string, unknown> = {},
  key: KeyObject = provider.privateKey,
  typ = 'at+jwt',
  kid = key === provider.privateKey ? 'p1' : 'r1',
) {
  return jwsSigner({ alg: 'ES256', key, kid }, { typ }).sign({
    iss: ISSUER,
    aud: AUDIENCE,
    client_id: agency.agencyId,
    scope: 'exchange.verify exchange.lookup',
    cnf: { jkt: JKT },
    iat: seconds(),
    exp: seconds() + 300,
    jti: randomUUID(),
    ...claims,
  });
}

function dpopProof(token: string, claims: Record<string, unknown> = {}, key = dpopKey) {
  return jwsSigner({ alg: 'ES256', key: key.privateKey }, { typ: 'dpop+jwt' }).sign(
    {
      htm: 'GET',
      htu: PUBLIC_URL,
      ath: createHash('sha256').update(token).digest('base64url'),
      jti: randomUUID(),
      iat: seconds(),
      ...claims,
    },
    { jwk: key.publicKey.export({ format: 'jwk' }) },
  );
}

function request(headers: Record<string, string | string[] | undefined>, url = `${PATH}?purpose=tax`) {
  return {
    headers,
    url,
    method: 'GET',
    protocol: 'http',
    host: '10.0.0.5:3000',
  } as unknown as FastifyRequest;
}

/** A request with a fresh token and proof, each changed by the given claims. */
function call(token: Record<string, unknown> = {}, proof: Record<string, unknown> = {}) {
  const t = accessToken(token);
  return request({ authorization: `DPoP ${t}`, dpop: dpopProof(t, proof) });
}

/** 'ok' and the granted scopes, or the catalogue code and detail of the refusal. */
async function outcome(
  req: FastifyRequest,
  scope: ExchangeScope = 'exchange.lookup',
  records = 1,
  auth: AgencyAuthenticator = authenticate,
): Promise<[string, unknown]> {
  try {
    const principal = await auth(req, scope, records);
    return ['ok', principal.scopes];
  } catch (error) {
    if (error instanceof AppError) return [error.code, error.detail];
    throw error;
  }
}

const newAuthenticator = (extra: Partial<Parameters<typeof agencyAuthenticator>[0]> = {}) =>
  agencyAuthenticator({
    db: database.db,
    clock,
    issuer: ISSUER,
    audience: AUDIENCE,
    providerKeys: [
      // The provider's current key, as its JWKS lists it (private members are never used).
      { ...provider.privateKey.export({ format: 'jwk' }), kid: 'p1', alg: 'ES256' },
      // A key for another algorithm, and keys of types the provider does not sign with: ignored.
      { ...retired.publicKey.export({ format: 'jwk' }), kid: 'r1', alg: 'PS256' },
      { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'o1' },
    ],
    publicOrigins: ['https://exchange.dinhdanh.vn'],
    meter,
    ...extra,
  });

const register = (
  name: string,
  options: { scopes?: ExchangeScope[]; ratePerSecond?: number; quotaPerDay?: number } = {},
) =>
  registerAgency(
    { db: database.db, clock },
    {
      name,
      scopes: options.scopes ?? ['exchange.verify', 'exchange.lookup'],
      purposes: [{ code: 'tax', description: 'Thuế', legalBasis: 'Luật Quản lý thuế', fields: ['fullName'] }],
      jwks: {
        keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })],
      },
      ...(options.ratePerSecond ? { ratePerSecond: options.ratePerSecond } : {}),
      ...(options.quotaPerDay ? { quotaPerDay: options.quotaPerDay } : {}),
    },
  );

beforeAll(async () => {
  database = await testDatabase();
  meter = new UsageMeter({ db: database.db, clock, logger: createLogger('silent') });
  agency = await register('Tổng cục Thuế');
  authenticate = newAuthenticator();
});
afterAll(async () => {
  await meter?.stop();
  await database?.close();
});

describe(`agency authentication (${testDatabaseKind()})`, () => {
  it('accepts a DPoP-bound token with a right proof, at the public URL or the one the request came to', async () => {
    expect(await outcome(call())).toEqual(['ok', ['exchange.verify', 'exchange.lookup']]);
    expect(await outcome(call({}, { htu: `http://10.0.0.5:3000${PATH}` }))).toEqual([
      'ok',
      ['exchange.verify', 'exchange.lookup'],
    ]);
    expect(await outcome(call({}, { htu: `https://elsewhere.vn${PATH}` }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'the proof is for another URL',
    ]);
    // The path is compared without its query.
    expect((await outcome(call({}, { htu: `${PUBLIC_URL}?other=1` })))[0]).toBe('ok');
    const otherPath = request(
      (() => {
        const t = accessToken();
        return { authorization: `DPoP ${t}`, dpop: dpopProof(t) };
      })(),
      '/api/exchange/v1/verifications',
    );
    expect(await outcome(otherPath)).toEqual(['ERR_UNAUTHENTICATED', 'the proof is for another URL']);
  });

  it('wants "Authorization: DPoP <JWT>" and a DPoP proof', async () => {
    const t = accessToken();
    const proof = dpopProof(t);
    expect(await outcome(request({ dpop: proof }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'a DPoP-bound access token is required',
    ]);
    expect(await outcome(request({ authorization: `Bearer ${t}`, dpop: proof }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'exchange tokens are DPoP-bound: send "Authorization: DPoP <token>" with a DPoP proof',
    ]);
    for (const authorization of [
      `dpop ${t}`,
      `DPoP  ${t}`,
      `DPoP ${t} x`,
      `x DPoP ${t}`,
      'DPoP a.b',
      'DPoP a.b.c.d',
    ])
      expect(await outcome(request({ authorization, dpop: proof })), authorization).toEqual([
        'ERR_UNAUTHENTICATED',
        'a DPoP-bound access token is required',
      ]);
    expect(await outcome(request({ authorization: `DPoP ${t}` }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'a DPoP proof is required',
    ]);
    expect(await outcome(request({ authorization: `DPoP ${t}`, dpop: [proof, proof] }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'a DPoP proof is required',
    ]);
  });

  it('refuses tokens the provider did not issue for the exchange: key, issuer, audience, type, expiry', async () => {
    const send = async (token: string) =>
      outcome(request({ authorization: `DPoP ${token}`, dpop: dpopProof(token) }));
    expect(await send(accessToken({}, retired.privateKey))).toEqual([
      'ERR_UNAUTHENTICATED',
      'JWS rejected: unknown_key',
    ]);
    expect(await send(accessToken({}, pair().privateKey, 'at+jwt', 'p1'))).toEqual([
      'ERR_UNAUTHENTICATED',
      'JWS rejected: signature',
    ]);
    expect(await send(accessToken({ iss: 'https://evil.vn' }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'JWS rejected: issuer',
    ]);
    expect(await send(accessToken({ aud: ISSUER }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'JWS rejected: audience',
    ]);
    expect(await send(accessToken({}, provider.privateKey, 'JWT'))).toEqual([
      'ERR_UNAUTHENTICATED',
      'JWS rejected: type',
    ]);
    expect(await send(accessToken({ exp: undefined }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'the token has no expiry',
    ]);
    // Five seconds of clock skew, no more.
    expect((await send(accessToken({ exp: seconds() - 4 })))[0]).toBe('ok');
    expect(await send(accessToken({ exp: seconds() - 5 }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'JWS rejected: expired',
    ]);
    expect(await send(accessToken({ cnf: undefined }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'the token is not DPoP-bound',
    ]);
    expect(await send(accessToken({ cnf: { jkt: 7 } }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'the token is not DPoP-bound',
    ]);
    expect(await send(accessToken({ client_id: undefined }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'the token names no client',
    ]);
  });

  it('checks the expiry of a token it has seen before on every use', async () => {
    const token = accessToken({ exp: seconds() + 60 });
    const send = () => outcome(request({ authorization: `DPoP ${token}`, dpop: dpopProof(token) }));
    // The clock only moves forward (the rate limit's buckets refill with it).
    const start = clock.now();
    expect((await send())[0]).toBe('ok');
    clock.set(new Date(start.getTime() + 64_000));
    expect((await send())[0]).toBe('ok');
    clock.set(new Date(start.getTime() + 65_000));
    expect(await send()).toEqual(['ERR_UNAUTHENTICATED', 'JWS rejected: expired']);
    // And forgets it: the next use is verified anew, and refused anew.
    expect(await send()).toEqual(['ERR_UNAUTHENTICATED', 'JWS rejected: expired']);
  });

  it('binds the proof to the key of the token and uses it once', async () => {
    const t = accessToken();
    expect(await outcome(request({ authorization: `DPoP ${t}`, dpop: dpopProof(t, {}, pair()) }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'the proof is signed by another key than the token is bound to',
    ]);
    const proof = dpopProof(t);
    expect((await outcome(request({ authorization: `DPoP ${t}`, dpop: proof })))[0]).toBe('ok');
    expect(await outcome(request({ authorization: `DPoP ${t}`, dpop: proof }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'the proof was used before',
    ]);
    // The replay store is asked with the key's thumbprint and the proof's id, for the client, long
    // enough to outlive the proof's freshness; its own failures are not authentication failures.
    const asked: unknown[] = [];
    const shared = newAuthenticator({
      seenBefore: async (...args) => {
        asked.push(args);
        return false;
      },
    });
    const jti = randomUUID();
    expect((await outcome(call({}, { jti }), 'exchange.lookup', 1, shared))[0]).toBe('ok');
    expect(asked).toEqual([[`exchange-dpop:${JKT}:${jti}`, agency.agencyId, 130]]);
    const broken = newAuthenticator({
      seenBefore: async () => {
        throw new Error('store down');
      },
    });
    // Passed on as it is: not turned into a 401.
    const error = await broken(call(), 'exchange.lookup', 1).catch((thrown: unknown) => thrown);
    expect(error).not.toBeInstanceOf(AppError);
    expect((error as Error).message).toBe('store down');
  });

  it('grants the scopes the token carries and the agency holds; without a scope, all the agency holds', async () => {
    expect(await outcome(call({ scope: 'exchange.verify' }), 'exchange.lookup')).toEqual([
      'ERR_EXCHANGE_SCOPE',
      'the token lacks exchange.lookup',
    ]);
    expect(await outcome(call({ scope: 'exchange.verify' }), 'exchange.verify')).toEqual([
      'ok',
      ['exchange.verify'],
    ]);
    expect(await outcome(call({ scope: '' }), 'exchange.verify')).toEqual([
      'ok',
      ['exchange.verify', 'exchange.lookup'],
    ]);
    expect(await outcome(call({ scope: undefined }), 'exchange.lookup')).toEqual([
      'ok',
      ['exchange.verify', 'exchange.lookup'],
    ]);
    // A scope in the token that the agency does not hold is neither granted nor usable.
    expect(await outcome(call({ scope: 'exchange.verify exchange.match other' }), 'exchange.verify')).toEqual(
      ['ok', ['exchange.verify']],
    );
    expect(await outcome(call({ scope: 'exchange.verify exchange.match' }), 'exchange.match')).toEqual([
      'ERR_EXCHANGE_SCOPE',
      'the token lacks exchange.match',
    ]);
  });

  it("uses only the provider's P-256 and RSA keys, each for its own algorithm and by its kid", async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const auth = newAuthenticator({
      providerKeys: [
        { ...provider.publicKey.export({ format: 'jwk' }), kid: 'p1' },
        { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'rsa1' },
        // Curves and algorithms the exchange does not take: ignored, not an error.
        { ...p384.publicKey.export({ format: 'jwk' }), kid: 'p384' },
        { ...retired.publicKey.export({ format: 'jwk' }), kid: 'r1', alg: 'PS256' },
        { kty: 'OKP', crv: 'P-256', x: 'AAAA', kid: 'odd' },
      ],
    });
    const signed = (alg: 'ES256' | 'PS256', key: KeyObject, kid: string) =>
      jwsSigner({ alg, key, kid }, { typ: 'at+jwt' }).sign({
        iss: ISSUER,
        aud: AUDIENCE,
        client_id: agency.agencyId,
        cnf: { jkt: JKT },
        exp: seconds() + 300,
      });
    const send = (token: string) =>
      outcome(
        request({ authorization: `DPoP ${token}`, dpop: dpopProof(token) }),
        'exchange.lookup',
        1,
        auth,
      );
    expect((await send(signed('PS256', rsa.privateKey, 'rsa1')))[0]).toBe('ok');
    expect((await send(signed('ES256', provider.privateKey, 'p1')))[0]).toBe('ok');
    expect(await send(signed('ES256', retired.privateKey, 'r1'))).toEqual([
      'ERR_UNAUTHENTICATED',
      'JWS rejected: unknown_key',
    ]);
    expect(await send(signed('ES256', provider.privateKey, 'rsa1'))).toEqual([
      'ERR_UNAUTHENTICATED',
      'JWS rejected: algorithm',
    ]);
  });

  it('counts usage under the operation, the scope without its prefix', async () => {
    const fresh = await register('Đếm theo thao tác');
    const own = new UsageMeter({ db: database.db, clock, logger: createLogger('silent') });
    const auth = newAuthenticator({ meter: own });
    expect((await outcome(call({ client_id: fresh.agencyId }), 'exchange.verify', 3, auth))[0]).toBe('ok');
    await own.flush();
    const today = clock.now().toISOString().slice(0, 10);
    expect(await listUsage(database.db, { agencyId: fresh.agencyId, days: 1, today })).toEqual([
      { agencyId: fresh.agencyId, day: today, operation: 'verify', count: 3 },
    ]);
  });

  it('sees a disabled agency within seconds, and forgets proof ids once no proof could be fresh', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const soon = await register('Sắp giải thể');
      const auth = newAuthenticator();
      expect((await outcome(call({ client_id: soon.agencyId }), 'exchange.lookup', 1, auth))[0]).toBe('ok');
      await disableAgency({ db: database.db, clock }, soon.agencyId);
      vi.setSystemTime(Date.now() + 5_001);
      expect(await outcome(call({ client_id: soon.agencyId }), 'exchange.lookup', 1, auth)).toEqual([
        'ERR_UNAUTHENTICATED',
        'unknown or disabled agency',
      ]);
      // A proof id is remembered for 130 s of the process's time (twice the proof's age, and 10 s).
      const t = accessToken();
      const proof = dpopProof(t);
      const again = () =>
        outcome(request({ authorization: `DPoP ${t}`, dpop: proof }), 'exchange.lookup', 1, auth);
      expect((await again())[0]).toBe('ok');
      vi.setSystemTime(Date.now() + 129_000);
      expect(await again()).toEqual(['ERR_UNAUTHENTICATED', 'the proof was used before']);
      vi.setSystemTime(Date.now() + 1_001);
      expect((await again())[0]).toBe('ok');
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses an unknown agency and a disabled one', async () => {
    expect(await outcome(call({ client_id: 'ag-nobody' }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'unknown or disabled agency',
    ]);
    const gone = await register('Cơ quan giải thể');
    await disableAgency({ db: database.db, clock }, gone.agencyId);
    expect(await outcome(call({ client_id: gone.agencyId }))).toEqual([
      'ERR_UNAUTHENTICATED',
      'unknown or disabled agency',
    ]);
  });

  it("applies the agency's rate and its daily quota in records", async () => {
    const small = await register('Thử hạn mức', { ratePerSecond: 1, quotaPerDay: 5 });
    const as = (records: number) => outcome(call({ client_id: small.agencyId }), 'exchange.lookup', records);
    expect((await as(3))[0]).toBe('ok');
    expect((await as(2))[0]).toBe('ok');
    // A burst of twice the rate, then one request per second.
    expect(await as(0)).toEqual(['ERR_RATE_LIMITED', 'at most 1 requests/s']);
    clock.set(new Date(clock.now().getTime() + 1_000));
    expect(await as(1)).toEqual(['ERR_EXCHANGE_QUOTA', '5 records per day']);
    expect((await as(0))[0]).toBe('ok');
  });
});
