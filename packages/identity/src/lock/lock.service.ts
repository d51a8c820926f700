import type { Db } from '@dinhdanh/db';
import { AppError } from '@dinhdanh/kernel';
import type { Account, LockGround } from '../account/account.ts';
import { auditIdentity, type IdentityActor } from '../audit.ts';
import type { IdentityContext } from '../context.ts';
import { accountThrottleKeys, clearThrottle } from '../login/throttle.ts';
import { endSessions } from '../session/session.service.ts';

function actorName(actor: IdentityActor): string {
  return actor.kind === 'officer' ? `officer:${actor.officer.officerId}` : `${actor.kind}:${actor.id}`;
}

/**
 * Locks the account on one ground (idempotent: a ground already active stays as it was) and ends
 * every session at once. Audited under the person's subject key.
 */
export async function lockAccount(
  ctx: IdentityContext,
  account: Account,
  input: { ground: LockGround; reason?: string | null; actor: IdentityActor },
  db: Db = ctx.db,
): Promise<boolean> {
  const inserted = await db
    .insertInto('identity.lock')
    .values({
      account_id: account.accountId,
      ground: input.ground,
      reason: input.reason ?? null,
      locked_by: actorName(input.actor),
      locked_at: ctx.clock.now(),
    })
    .onConflict((oc) => oc.columns(['account_id', 'ground']).where('lifted_at', 'is', null).doNothing())
    .returning('lock_id')
    .executeTakeFirst();
  await endSessions(ctx, { accountId: account.accountId }, db);
  if (inserted)
    await auditIdentity(ctx, db, {
      actor: input.actor,
      action: 'identity.account_locked',
      idNumber: account.idNumber,
      purpose: 'Khóa tài khoản định danh điện tử / eID account locked',
      details: { ground: input.ground },
    });
  return !!inserted;
}

/**
 * Lifts one ground. The holder may lift only their own `holder` lock (from a logged-in wallet they
 * cannot reach, so in practice an officer does); automatic grounds lift when the registry says so.
 * Also resets the failed-login counters, which is how an officer ends a hard stop.
 */
export async function unlockAccount(
  ctx: IdentityContext,
  account: Account,
  input: { ground: LockGround; reason?: string | null; actor: IdentityActor },
  db: Db = ctx.db,
): Promise<boolean> {
  const lifted = await db
    .updateTable('identity.lock')
    .set({ lifted_at: ctx.clock.now(), lifted_by: actorName(input.actor) })
    .where('account_id', '=', account.accountId)
    .where('ground', '=', input.ground)
    .where('lifted_at', 'is', null)
    .returning('lock_id')
    .executeTakeFirst();
  if (input.actor.kind === 'officer') await resetFailures(ctx, account, input.actor, db);
  if (lifted)
    await auditIdentity(ctx, db, {
      actor: input.actor,
      action: 'identity.account_unlocked',
      idNumber: account.idNumber,
      purpose: 'Mở khóa tài khoản định danh điện tử / eID account unlocked',
      details: { ground: input.ground, ...(input.reason ? { reason: input.reason } : {}) },
    });
  return !!lifted;
}

/**
 * An officer's unlock also ends a hard stop (NIST SP 800-63B: at most 100 consecutive failures per
 * authenticator): the password's and the codes' counters and the credentials' failure counts
 * go back to zero. Audited when there was something to reset.
 */
async function resetFailures(
  ctx: IdentityContext,
  account: Account,
  actor: IdentityActor,
  db: Db,
): Promise<void> {
  const failures = await clearThrottle(ctx, accountThrottleKeys(ctx, account));
  await db
    .updateTable('identity.credential')
    .set({ failures: 0 })
    .where('account_id', '=', account.accountId)
    .where('failures', '>', 0)
    .execute();
  if (failures > 0)
    await auditIdentity(ctx, db, {
      actor,
      action: 'identity.failures_reset',
      idNumber: account.idNumber,
      purpose: 'Đặt lại số lần đăng nhập sai / failed-login counters reset',
      details: { failures },
    });
}

export function assertUsable(account: Account): void {
  if (account.locks.length) throw new AppError('ERR_ACCOUNT_LOCKED', undefined, { grounds: account.locks });
}
