import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { Db } from '@dinhdanh/db';
import { AppError, type Clock, JwsError, type JwsKey, jwsVerifier } from '@dinhdanh/kernel';
import { findClient, type SeenBefore } from '@dinhdanh/oidc';
import type { FastifyRequest } from 'fastify';

const MAX_ASSERTION_SECONDS = 300;

/** The client's registered public keys as verification keys, each bound to its one algorithm. */
function keysOf(jwks: { keys: Record<string, unknown>[] }): JwsKey[] {
  const keys: JwsKey[] = [];
  for (const jwk of jwks.keys) {
    const alg =
      jwk.kty === 'EC' && jwk.crv === 'P-256'
        ? 'ES256'
        : jwk.kty === 'RSA'
          ? 'PS256'
          : jwk.kty === 'OKP' && jwk.crv === 'Ed25519'
            ? 'EdDSA'
            : undefined;
    if (!alg) continue;
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      keys.push({ alg, key, ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}) });
    } catch {
      // An unusable registered key cannot authenticate anything; the others still may.
    }
  }
  return keys;
}

/**
 * Authenticates a relying party calling a platform API (the card verification API) the way it
 * authenticates at the token endpoint: a `private_key_jwt`-style assertion in
 * `Authorization: Bearer`, signed with a key it registered, `iss` = `sub` = its client id, `aud`
 * = the API's base URL, a short lifetime and a `jti` never seen before.
 */
export function relyingPartyAuthenticator(options: {
  db: Db;
  clock: Clock;
  audience: string;
  seenBefore: SeenBefore;
}): (request: FastifyRequest) => Promise<{ clientId: string; name: string }> {
  return async (request) => {
    const token = request.headers.authorization?.match(
      /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/,
    )?.[1];
    if (!token) throw new AppError('ERR_UNAUTHENTICATED', 'a client assertion (Bearer JWT) is required');
    let claimedIssuer: unknown;
    try {
      claimedIssuer = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).iss;
    } catch {
      throw new AppError('ERR_UNAUTHENTICATED', 'the client assertion is malformed');
    }
    const client =
      typeof claimedIssuer === 'string' ? await findClient(options.db, claimedIssuer) : undefined;
    const keys = client && !client.disabled ? keysOf(client.jwks) : [];
    if (!client || keys.length === 0) throw new AppError('ERR_UNAUTHENTICATED', 'unknown relying party');
    const now = options.clock.now();
    try {
      const { payload } = jwsVerifier(keys).verify(token, {
        now,
        issuer: client.clientId,
        audience: options.audience,
        requireExpiry: true,
        clockTolerance: 30,
      });
      const nowSeconds = Math.floor(now.getTime() / 1000);
      if (payload.sub !== client.clientId) throw new JwsError('issuer', 'sub must equal iss');
      if ((payload.exp ?? 0) - nowSeconds > MAX_ASSERTION_SECONDS)
        throw new JwsError('expired', 'lifetime too long');
      if (typeof payload.jti !== 'string' || payload.jti.length < 8)
        throw new JwsError('malformed', 'jti required');
      if (
        await options.seenBefore(
          `card:${client.clientId}:${payload.jti}`,
          client.clientId,
          MAX_ASSERTION_SECONDS * 2,
        )
      )
        throw new JwsError('malformed', 'the assertion was already used');
    } catch (error) {
      if (error instanceof JwsError)
        throw new AppError('ERR_UNAUTHENTICATED', `client assertion: ${error.message}`);
      throw error;
    }
    return { clientId: client.clientId, name: client.name };
  };
}
