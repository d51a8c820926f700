import { readRegistryChanges } from '@dinhdanh/registry';
import { sql } from 'kysely';
import { findAccountRow } from '../account/account.repository.ts';
import type { LockGround } from '../account/account.ts';
import type { IdentityContext } from '../context.ts';
import { lockAccount, unlockAccount } from '../lock/lock.service.ts';
import { endSessions } from '../session/session.service.ts';

const system = { kind: 'system' as const, id: 'registry-change-follower' };

const effects: Record<string, { ground: LockGround; lock: boolean } | undefined> = {
  'person.died': { ground: 'death', lock: true },
  'person.death_annulled': { ground: 'death', lock: false },
  'card.revoked': { ground: 'card_revoked', lock: true },
  'card.reinstated': { ground: 'card_revoked', lock: false },
};

/**
 * Follows the registry change feed from the stored cursor: a death or card revocation locks the
 * account (ending its sessions), their reversal lifts that ground. The cursor row is locked for
 * the batch, so two processes never apply the same batch; the cursor moves in the same
 * transaction as the locks. Returns how many changes were read.
 */
export async function syncRegistryChanges(
  ctx: IdentityContext,
  options: { limit?: number } = {},
): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const cursor = await trx
      .selectFrom('identity.registry_cursor')
      .select('last_id')
      .where('name', '=', 'locks')
      .forUpdate()
      .executeTakeFirstOrThrow();
    const changes = await readRegistryChanges(trx, {
      after: Number(cursor.last_id),
      limit: options.limit ?? 500,
    });
    if (changes.length === 0) return 0;
    for (const change of changes) {
      const effect = effects[change.type];
      if (!effect) continue;
      const account = await findAccountRow(trx, { idNumber: change.idNumber });
      if (!account) continue;
      const input = { ground: effect.ground, reason: `registry change ${change.id}`, actor: system };
      if (effect.lock) await lockAccount(ctx, account, input, trx);
      else await unlockAccount(ctx, account, input, trx);
    }
    await trx
      .updateTable('identity.registry_cursor')
      .set({ last_id: changes[changes.length - 1]!.id })
      .where('name', '=', 'locks')
      .execute();
    return changes.length;
  });
}

/**
 * Deletes what has expired (registrations, codes, logins, challenges, QR logins, sessions) and
 * locks foreigners whose stay has ended (lifting it when the stay was extended).
 */
export async function sweepExpired(ctx: IdentityContext): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.deleteFrom('identity.registration').where('expires_at', '<=', now).execute();
  await ctx.db.deleteFrom('identity.otp').where('expires_at', '<=', now).execute();
  await ctx.db.deleteFrom('identity.login').where('expires_at', '<=', now).execute();
  await ctx.db.deleteFrom('identity.challenge').where('expires_at', '<=', now).execute();
  await ctx.db.deleteFrom('identity.qr_login').where('expires_at', '<=', now).execute();
  const idleBefore = new Date(now.getTime() - ctx.policy.sessionIdleSeconds * 1000);
  const stale = await ctx.db
    .selectFrom('identity.session')
    .select('session_id')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
    .limit(5000)
    .execute();
  await endSessions(ctx, { sessionIds: stale.map((row) => String(row.session_id)) });
  const today = now.toISOString().slice(0, 10);
  const overstayed = await ctx.db
    .selectFrom('identity.account as a')
    .select('a.account_id')
    .where('a.kind', '=', 'foreigner')
    .where('a.stay_expires_on', '<', today)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('identity.lock as l')
            .select(sql`1`.as('one'))
            .whereRef('l.account_id', '=', 'a.account_id')
            .where('l.ground', '=', 'stay_expired')
            .where('l.lifted_at', 'is', null),
        ),
      ),
    )
    .limit(1000)
    .execute();
  for (const row of overstayed) {
    const account = await findAccountRow(ctx.db, { accountId: String(row.account_id) });
    if (account) await lockAccount(ctx, account, { ground: 'stay_expired', actor: system });
  }
  const extended = await ctx.db
    .selectFrom('identity.lock as l')
    .innerJoin('identity.account as a', 'a.account_id', 'l.account_id')
    .select('a.account_id')
    .where('l.ground', '=', 'stay_expired')
    .where('l.lifted_at', 'is', null)
    .where('a.stay_expires_on', '>=', today)
    .limit(1000)
    .execute();
  for (const row of extended) {
    const account = await findAccountRow(ctx.db, { accountId: String(row.account_id) });
    if (account) await unlockAccount(ctx, account, { ground: 'stay_expired', actor: system });
  }
}

/** Runs the change follower every second and the sweep every minute; returns a stop function. */
export function startIdentityWorkers(
  ctx: IdentityContext,
  options: { syncEveryMs?: number; sweepEveryMs?: number } = {},
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = (job: () => Promise<unknown>, what: string) => () => {
    if (stopped) return;
    running = running
      .then(job)
      .catch((error: unknown) => ctx.logger.error({ err: error }, `identity: ${what} failed`));
  };
  const sync = setInterval(
    run(() => syncRegistryChanges(ctx), 'registry change sync'),
    options.syncEveryMs ?? 1000,
  );
  const sweep = setInterval(
    run(() => sweepExpired(ctx), 'expiry sweep'),
    options.sweepEveryMs ?? 60_000,
  );
  sync.unref();
  sweep.unref();
  return async () => {
    stopped = true;
    clearInterval(sync);
    clearInterval(sweep);
    await running;
  };
}
