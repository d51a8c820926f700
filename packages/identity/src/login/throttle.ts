import { createHmac } from 'node:crypto';
import { AppError } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import type { IdentityContext } from '../context.ts';

/**
 * Failed-login counters. Keys are HMACs of the login name (known or not, so an unknown name is
 * throttled exactly like a known one and nothing is learnt from it) and of the client address.
 * After `freeFailures` the delay doubles per failure up to `maxDelaySeconds`; at
 * `hardStopFailures` consecutive failures the name stops until an officer resets it.
 */
export interface ThrottleKey {
  key: Buffer;
  /** A client address is shared (NAT, offices): more free failures and no hard stop. */
  kind: 'name' | 'ip' | 'otp';
}

export function throttleKey(ctx: IdentityContext, kind: ThrottleKey['kind'], value: string): ThrottleKey {
  return { kind, key: createHmac('sha256', ctx.secret).update(`throttle:${kind}:${value}`).digest() };
}

const freeFailures = (ctx: IdentityContext, key: ThrottleKey) =>
  key.kind === 'ip' ? ctx.policy.ipFreeFailures : ctx.policy.freeFailures;

export async function assertNotThrottled(ctx: IdentityContext, keys: readonly ThrottleKey[]): Promise<void> {
  const rows = await ctx.db
    .selectFrom('identity.throttle')
    .select(['key', 'failures', 'blocked_until'])
    .where(
      'key',
      'in',
      keys.map((k) => k.key),
    )
    .execute();
  const now = ctx.clock.now().getTime();
  const hardStopped = new Set(keys.filter((k) => k.kind !== 'ip').map((k) => k.key.toString('hex')));
  for (const row of rows) {
    if (hardStopped.has(Buffer.from(row.key).toString('hex')) && row.failures >= ctx.policy.hardStopFailures)
      throw new AppError(
        'ERR_LOGIN_THROTTLED',
        'too many consecutive failures; an officer must reset the account',
      );
  }
  const until = Math.max(
    0,
    ...rows.map((row) => (row.blocked_until ? new Date(row.blocked_until).getTime() : 0)),
  );
  if (until > now) {
    const retryAfter = Math.ceil((until - now) / 1000);
    throw new AppError('ERR_LOGIN_THROTTLED', undefined, { retryAfter });
  }
}

export async function recordFailure(ctx: IdentityContext, keys: readonly ThrottleKey[]): Promise<void> {
  const now = ctx.clock.now();
  const { maxDelaySeconds } = ctx.policy;
  for (const throttle of keys) {
    const key = throttle.key;
    const row = await ctx.db
      .insertInto('identity.throttle')
      .values({ key, failures: 1, blocked_until: null, updated_at: now })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({ failures: sql`identity.throttle.failures + 1`, updated_at: now }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    const over = Number(row.failures) - freeFailures(ctx, throttle);
    if (over >= 0) {
      const delay = Math.min(2 ** over, maxDelaySeconds);
      await ctx.db
        .updateTable('identity.throttle')
        .set({ blocked_until: new Date(now.getTime() + delay * 1000) })
        .where('key', '=', key)
        .execute();
    }
  }
}

/** Deletes the counters; answers how many failures they held (0 when there was nothing to reset). */
export async function clearThrottle(ctx: IdentityContext, keys: readonly ThrottleKey[]): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await ctx.db
    .deleteFrom('identity.throttle')
    .where(
      'key',
      'in',
      keys.map((k) => k.key),
    )
    .returning('failures')
    .execute();
  return rows.reduce((sum, row) => sum + Number(row.failures), 0);
}

/** The keys that count an account's authenticators: its login name (password) and its codes. */
export function accountThrottleKeys(
  ctx: IdentityContext,
  account: { accountId: string; loginName: string },
): ThrottleKey[] {
  return [throttleKey(ctx, 'name', account.loginName), throttleKey(ctx, 'otp', account.accountId)];
}

/** True when one of the account's authenticators has reached the hard stop (officer must reset). */
export async function isHardStopped(
  ctx: IdentityContext,
  account: { accountId: string; loginName: string },
): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('identity.throttle')
    .select('failures')
    .where(
      'key',
      'in',
      accountThrottleKeys(ctx, account).map((k) => k.key),
    )
    .where('failures', '>=', ctx.policy.hardStopFailures)
    .executeTakeFirst();
  return !!row;
}
