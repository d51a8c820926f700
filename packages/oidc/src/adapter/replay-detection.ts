import { createHash } from 'node:crypto';
import type { Db } from '@dinhdanh/db';
import type { Redis } from 'ioredis';
import { CompiledQuery } from 'kysely';
import type Provider from 'oidc-provider';

/**
 * "Has this client assertion / DPoP proof `jti` been seen?" as one atomic step. oidc-provider's
 * own `ReplayDetection.unique` reads, then writes: two round trips per proof, and two concurrent
 * requests carrying the same proof could both read "not seen" and both pass. Here the store
 * itself decides: a conditional insert in SQL (a live row wins; an expired one is replaced), or
 * `SET NX EX` in Redis.
 */
export type SeenBefore = (id: string, iss: string, ttlSeconds: number) => Promise<boolean>;

const INSERT_UNLESS_LIVE = `INSERT INTO oidc.model (kind, id, payload, expires_at)
VALUES ('ReplayDetection', $1, $2::jsonb, $3)
ON CONFLICT (kind, id) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at
WHERE oidc.model.expires_at <= $4
RETURNING id`;

export function sqlSeenBefore(db: Db): SeenBefore {
  return async (id, iss, ttlSeconds) => {
    const now = new Date();
    const { rows } = await db.executeQuery(
      CompiledQuery.raw(INSERT_UNLESS_LIVE, [
        id,
        JSON.stringify({ jti: id, iss, kind: 'ReplayDetection' }),
        new Date(now.getTime() + ttlSeconds * 1000),
        now,
      ]),
    );
    return rows.length === 0;
  };
}

export function redisSeenBefore(redis: Redis, prefix = 'dinhdanh:oidc:'): SeenBefore {
  return async (id, iss, ttlSeconds) => {
    const set = await redis.set(
      `${prefix}ReplayDetection:${id}`,
      JSON.stringify({ jti: id, iss, kind: 'ReplayDetection' }),
      'EX',
      ttlSeconds,
      'NX',
    );
    return set !== 'OK';
  };
}

/** Replaces the provider's read-then-write replay check with the store's atomic one. */
export function installAtomicReplayDetection(provider: Provider, seenBefore: SeenBefore): void {
  Object.defineProperty(provider.ReplayDetection, 'unique', {
    configurable: true,
    value: async (iss: string, jti: string, exp: number) => {
      // The same id as oidc-provider's own (sha256 of iss + jti), so both agree on existing rows.
      const id = createHash('sha256').update(`${iss}${jti}`).digest('base64url');
      const ttl = Math.max(1, exp - Math.floor(Date.now() / 1000));
      return !(await seenBefore(id, iss, ttl));
    },
  });
}
