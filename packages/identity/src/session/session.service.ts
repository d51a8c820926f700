import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '@dinhdanh/db';
import { z } from 'zod';
import { findAccountRow } from '../account/account.repository.ts';
import type { Account } from '../account/account.ts';
import type { IdentityContext } from '../context.ts';
import { ACR, type AcrLevel, type Amr, amrToMask, maskToAmr } from './amr.ts';

export interface Session {
  sessionId: string;
  accountId: string;
  acr: AcrLevel;
  amr: Amr[];
  authTime: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  /** min(absolute deadline, last activity + idle timeout) */
  idleExpiresAt: Date;
  device: string | null;
}

export const SessionView = z.object({
  sessionId: z.string(),
  acr: z.string(),
  amr: z.array(z.string()),
  authTime: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  device: z.string().nullable(),
  current: z.boolean(),
});
export type SessionView = z.infer<typeof SessionView>;

export function presentSession(session: Session, currentId?: string): SessionView {
  return {
    sessionId: session.sessionId,
    acr: ACR[session.acr],
    amr: session.amr,
    authTime: session.authTime.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    device: session.device,
    current: session.sessionId === currentId,
  };
}

const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest();

// Writing last activity on every request would turn reads into writes; a minute is precise enough.
const TOUCH_AFTER_MS = 60_000;

interface SessionRow {
  session_id: string;
  account_id: string;
  acr: number;
  amr: number;
  auth_time: Date;
  last_seen_at: Date;
  expires_at: Date;
  device: string | null;
}

function toSession(ctx: IdentityContext, row: SessionRow): Session {
  const lastSeenAt = new Date(row.last_seen_at);
  const expiresAt = new Date(row.expires_at);
  return {
    sessionId: row.session_id,
    accountId: row.account_id,
    acr: row.acr === 2 ? 2 : 1,
    amr: maskToAmr(row.amr),
    authTime: new Date(row.auth_time),
    lastSeenAt,
    expiresAt,
    idleExpiresAt: new Date(
      Math.min(expiresAt.getTime(), lastSeenAt.getTime() + ctx.policy.sessionIdleSeconds * 1000),
    ),
    device: row.device,
  };
}

/** A new session with a fresh 256-bit token (a login never reuses a token: rotation). */
export async function createSession(
  ctx: IdentityContext,
  input: { accountId: string; acr: AcrLevel; amr: readonly Amr[]; device?: string | null | undefined },
  db: Db = ctx.db,
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const row: SessionRow = {
    session_id: randomUUID(),
    account_id: input.accountId,
    acr: input.acr,
    amr: amrToMask(input.amr),
    auth_time: now,
    last_seen_at: now,
    expires_at: new Date(now.getTime() + ctx.policy.sessionAbsoluteSeconds * 1000),
    device: input.device ? input.device.slice(0, 64) : null,
  };
  await db
    .insertInto('identity.session')
    .values({ ...row, token_hash: tokenHash(token) })
    .execute();
  return { token, session: toSession(ctx, row) };
}

/**
 * The account and session a token belongs to, or undefined when the token is unknown, past its
 * absolute or idle deadline, or the account is locked. Refreshes the idle deadline.
 */
export async function authenticateSession(
  ctx: IdentityContext,
  token: string,
): Promise<{ account: Account; session: Session } | undefined> {
  if (!token || token.length > 100) return undefined;
  const row = (await ctx.db
    .selectFrom('identity.session')
    .select(['session_id', 'account_id', 'acr', 'amr', 'auth_time', 'last_seen_at', 'expires_at', 'device'])
    .where('token_hash', '=', tokenHash(token))
    .executeTakeFirst()) as SessionRow | undefined;
  if (!row) return undefined;
  const session = toSession(ctx, row);
  const now = ctx.clock.now();
  if (session.idleExpiresAt <= now) {
    await endSessions(ctx, { sessionIds: [session.sessionId] });
    return undefined;
  }
  const account = await findAccountRow(ctx.db, { accountId: session.accountId });
  if (!account || account.locks.length) return undefined;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
    await ctx.db
      .updateTable('identity.session')
      .set({ last_seen_at: now })
      .where('session_id', '=', session.sessionId)
      .execute();
    session.lastSeenAt = now;
  }
  return { account, session };
}

export async function listSessions(ctx: IdentityContext, accountId: string): Promise<Session[]> {
  const rows = (await ctx.db
    .selectFrom('identity.session')
    .select(['session_id', 'account_id', 'acr', 'amr', 'auth_time', 'last_seen_at', 'expires_at', 'device'])
    .where('account_id', '=', accountId)
    .where('expires_at', '>', ctx.clock.now())
    .orderBy('auth_time', 'desc')
    .execute()) as SessionRow[];
  return rows.map((row) => toSession(ctx, row)).filter((s) => s.idleExpiresAt > ctx.clock.now());
}

/**
 * Ends sessions at once: all of an account's (lock, password change), some of an account's
 * (`sessionIds` with `accountId`: the holder's own), or by id. Tells `hooks.sessionEnded`.
 */
export async function endSessions(
  ctx: IdentityContext,
  by:
    | { accountId: string; sessionIds?: readonly string[]; except?: string }
    | { sessionIds: readonly string[] },
  db: Db = ctx.db,
): Promise<string[]> {
  let query = db.deleteFrom('identity.session');
  if ('accountId' in by) query = query.where('account_id', '=', by.accountId);
  if (by.sessionIds) {
    if (by.sessionIds.length === 0) return [];
    query = query.where('session_id', 'in', by.sessionIds);
  }
  if ('except' in by && by.except) query = query.where('session_id', '<>', by.except);
  const ended = (await query.returning('session_id').execute()).map((row) => String(row.session_id));
  if (ended.length) await notifyEnded(ctx, ended);
  return ended;
}

export async function notifyEnded(ctx: IdentityContext, sessionIds: readonly string[]): Promise<void> {
  try {
    await ctx.hooks.sessionEnded?.(sessionIds);
  } catch (error) {
    ctx.logger.error({ err: error }, 'identity: sessionEnded hook failed');
  }
}
