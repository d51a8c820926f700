import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { Db } from '@dinhdanh/db';
import { AppError, type Clock, JwsError, type JwsKey, type JwtPayload, jwsVerifier } from '@dinhdanh/kernel';
import type { SeenBefore } from '@dinhdanh/oidc';
import type { FastifyRequest } from 'fastify';
import { findAgencyRow } from '../agency/agency.repository.ts';
import { type Agency, type ExchangeScope, exchangeScopes } from '../agency/agency.schema.ts';
import type { AgencyAuthenticator, AgencyPrincipal } from './agency-principal.ts';
import { stripQuery, verifyDpopProof } from './dpop.ts';
import type { UsageMeter } from './usage-meter.ts';

export interface AgencyAuthenticatorOptions {
  db: Db;
  clock: Clock;
  /** The provider's issuer and the exchange API's resource indicator (the tokens' audience). */
  issuer: string;
  audience: string;
  /** The provider's public signing keys (JWK with `kid`). */
  providerKeys: readonly Record<string, unknown>[];
  /** Origins the API is published at (e.g. the https origin behind a proxy), for DPoP `htu`. */
  publicOrigins: readonly string[];
  /** Shared store of seen proof ids; without one, this process remembers them (one process only). */
  seenBefore?: SeenBefore | undefined;
  meter: UsageMeter;
}

const AGENCY_CACHE_MS = 5_000;
const PROOF_MAX_AGE_SECONDS = 60;
const TOKEN_CLOCK_TOLERANCE = 5;

function providerVerifier(keys: readonly Record<string, unknown>[]) {
  const jwsKeys: JwsKey[] = [];
  for (const jwk of keys) {
    const alg = jwk.kty === 'EC' && jwk.crv === 'P-256' ? 'ES256' : jwk.kty === 'RSA' ? 'PS256' : undefined;
    if (!alg || (jwk.alg !== undefined && jwk.alg !== alg)) continue;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = jwk;
    jwsKeys.push({
      alg,
      key: createPublicKey({ key: publicPart as JsonWebKey, format: 'jwk' }),
      ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}),
    });
  }
  return jwsVerifier(jwsKeys);
}

/** Proof ids seen by this process, until they could no longer be fresh. */
function localSeenBefore(): SeenBefore {
  const seen = new Map<string, number>();
  let sweepAt = 0;
  return async (id, _iss, ttlSeconds) => {
    const now = Date.now();
    if (now > sweepAt) {
      for (const [key, until] of seen) if (until <= now) seen.delete(key);
      sweepAt = now + 10_000;
    }
    const until = seen.get(id);
    if (until !== undefined && until > now) return true;
    seen.set(id, now + ttlSeconds * 1000);
    return false;
  };
}

/**
 * Authenticates agencies' calls: a DPoP-bound JWT access token from the provider's client
 * credentials grant (`Authorization: DPoP <token>` + a `DPoP` proof), verified here without a
 * call to the provider: the provider's signature, issuer, the exchange as audience, expiry, the
 * proof's key = the token's `cnf.jkt`, the proof fresh, for this method, URL and token, and
 * never seen before. Then the agency must exist and be enabled (cached for seconds), the token
 * must carry the scope, and the agency's rate limit and quota apply.
 */
export function agencyAuthenticator(options: AgencyAuthenticatorOptions): AgencyAuthenticator {
  const verifier = providerVerifier(options.providerKeys);
  const seenBefore = options.seenBefore ?? localSeenBefore();
  const agencies = new Map<string, { at: number; agency: Agency | undefined }>();
  // An agency sends the same access token for minutes: its signature is checked once, and the
  // claims are re-checked (expiry) on every use. The proof, new on each request, is always verified.
  const verifiedTokens = new Map<string, JwtPayload>();
  const verifyToken = (token: string, now: Date): JwtPayload => {
    const cached = verifiedTokens.get(token);
    if (cached) {
      if ((cached.exp ?? 0) + TOKEN_CLOCK_TOLERANCE <= Math.floor(now.getTime() / 1000)) {
        verifiedTokens.delete(token);
        throw new JwsError('expired');
      }
      return cached;
    }
    const { payload } = verifier.verify(token, {
      now,
      issuer: options.issuer,
      audience: options.audience,
      typ: 'at+jwt',
      requireExpiry: true,
      clockTolerance: TOKEN_CLOCK_TOLERANCE,
    });
    if (verifiedTokens.size >= 10_000) verifiedTokens.delete(verifiedTokens.keys().next().value as string);
    verifiedTokens.set(token, payload);
    return payload;
  };

  async function agencyOf(agencyId: string): Promise<Agency | undefined> {
    const now = Date.now();
    const cached = agencies.get(agencyId);
    if (cached && now - cached.at < AGENCY_CACHE_MS) return cached.agency;
    const agency = await findAgencyRow(options.db, agencyId);
    if (agencies.size >= 10_000) agencies.clear();
    agencies.set(agencyId, { at: now, agency });
    return agency;
  }

  return async (request: FastifyRequest, scope: ExchangeScope, records = 1): Promise<AgencyPrincipal> => {
    const authorization = request.headers.authorization;
    const token = authorization?.match(/^DPoP ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/)?.[1];
    if (!token)
      throw new AppError(
        'ERR_UNAUTHENTICATED',
        authorization?.startsWith('Bearer ')
          ? 'exchange tokens are DPoP-bound: send "Authorization: DPoP <token>" with a DPoP proof'
          : 'a DPoP-bound access token is required',
      );
    const proof = request.headers.dpop;
    if (typeof proof !== 'string') throw new AppError('ERR_UNAUTHENTICATED', 'a DPoP proof is required');
    const now = options.clock.now();
    let clientId: string;
    let granted: ExchangeScope[];
    try {
      const payload = verifyToken(token, now);
      const cnf = payload.cnf as { jkt?: unknown } | undefined;
      if (typeof cnf?.jkt !== 'string') throw new JwsError('malformed', 'the token is not DPoP-bound');
      if (typeof payload.client_id !== 'string') throw new JwsError('malformed', 'the token names no client');
      const path = stripQuery(request.url);
      const urls = [
        ...options.publicOrigins.map((origin) => `${origin}${path}`),
        `${request.protocol}://${request.host}${path}`,
      ];
      const dpop = verifyDpopProof(
        proof,
        { method: request.method, urls, accessToken: token, now },
        PROOF_MAX_AGE_SECONDS,
      );
      if (dpop.jkt !== cnf.jkt)
        throw new JwsError('signature', 'the proof is signed by another key than the token is bound to');
      if (
        await seenBefore(
          `exchange-dpop:${dpop.jkt}:${dpop.jti}`,
          payload.client_id,
          PROOF_MAX_AGE_SECONDS * 2 + 10,
        )
      )
        throw new JwsError('malformed', 'the proof was used before');
      clientId = payload.client_id;
      // A token requested without a scope carries none: RFC 6749 §3.3 lets the server apply a
      // default, which here is every scope the agency was registered with (checked below).
      const scopes =
        typeof payload.scope === 'string' && payload.scope !== '' ? payload.scope.split(' ') : undefined;
      granted = exchangeScopes.filter((known) => scopes === undefined || scopes.includes(known));
    } catch (error) {
      if (error instanceof JwsError) throw new AppError('ERR_UNAUTHENTICATED', error.message);
      throw error;
    }
    const agency = await agencyOf(clientId);
    if (!agency || agency.disabled) throw new AppError('ERR_UNAUTHENTICATED', 'unknown or disabled agency');
    if (!granted.includes(scope) || !agency.scopes.includes(scope))
      throw new AppError('ERR_EXCHANGE_SCOPE', `the token lacks ${scope}`);
    await options.meter.take(agency, scope.slice('exchange.'.length), records);
    return { agency, scopes: granted.filter((s) => agency.scopes.includes(s)) };
  };
}
