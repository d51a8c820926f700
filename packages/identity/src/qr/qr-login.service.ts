import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppError } from '@dinhdanh/kernel';
import { findAccountRow } from '../account/account.repository.ts';
import type { Account } from '../account/account.ts';
import type { IdentityContext } from '../context.ts';
import { assertUsable } from '../lock/lock.service.ts';
import { amrToMask, maskToAmr } from '../session/amr.ts';
import { createSession, type Session } from '../session/session.service.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();
const QR_PREFIX = 'dinhdanh-login:';

/**
 * The desktop asks for a QR login. `qrText` carries a secret the wallet proves it scanned; the
 * `pollSecret` (an HttpOnly cookie on the desktop) proves the poller is the desktop that asked,
 * so a photo of the QR cannot collect the session. Only hashes are stored.
 */
export async function createQrLogin(
  ctx: IdentityContext,
  requester: {
    device?: string | null | undefined;
    clientName?: string | undefined;
    purpose?: string | undefined;
  } = {},
) {
  const qrLoginId = randomUUID();
  const secret = randomBytes(24).toString('base64url');
  const pollSecret = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.policy.qrLoginSeconds * 1000);
  await ctx.db
    .insertInto('identity.qr_login')
    .values({
      qr_login_id: qrLoginId,
      secret_hash: sha256(secret),
      poll_hash: sha256(pollSecret),
      status: 'pending',
      device: requester.device?.slice(0, 64) ?? null,
      // What the desktop says it is for: shown to the approver, never used to decide anything.
      client_name: requester.clientName ?? null,
      purpose: requester.purpose ?? null,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { qrLoginId, qrText: `${QR_PREFIX}${qrLoginId}.${secret}`, expiresAt, pollSecret };
}

type Status = 'pending' | 'approved' | 'expired' | 'denied';

/**
 * The desktop's poll. On the first read after approval it consumes the QR login and receives its
 * own new session: level 2 only if the approving wallet session was level 2; amr `mca` + the
 * wallet's factors.
 */
export async function pollQrLogin(
  ctx: IdentityContext,
  qrLoginId: string,
  pollSecret: string | undefined,
): Promise<{ status: Status; login?: { account: Account; session: Session; token: string } }> {
  const row = await ctx.db
    .selectFrom('identity.qr_login')
    .selectAll()
    .where('qr_login_id', '=', qrLoginId)
    .executeTakeFirst();
  if (!row || !pollSecret || !timingSafeEqual(row.poll_hash as Buffer, sha256(pollSecret)))
    throw new AppError('ERR_QR_LOGIN_EXPIRED');
  if (row.status === 'denied') return { status: 'denied' };
  if (row.status === 'consumed' || new Date(row.expires_at) <= ctx.clock.now()) return { status: 'expired' };
  if (row.status !== 'approved') return { status: 'pending' };
  const taken = await ctx.db
    .updateTable('identity.qr_login')
    .set({ status: 'consumed' })
    .where('qr_login_id', '=', qrLoginId)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) !== 1) return { status: 'expired' };
  const account = await findAccountRow(ctx.db, { accountId: String(row.account_id) });
  if (!account) return { status: 'expired' };
  assertUsable(account);
  const { token, session } = await createSession(ctx, {
    accountId: account.accountId,
    acr: row.acr === 2 ? 2 : 1,
    amr: maskToAmr(Number(row.amr)),
    device: (row.device as string | null) ?? undefined,
  });
  return { status: 'approved', login: { account, session, token } };
}

/**
 * The wallet scanned `qrText`: checks the secret and shows what is asking — the desktop's device
 * label and time, and the relying party's name and purpose when the desktop gave them. Those
 * two are the desktop's own words (anyone can start a QR login), so the wallet presents them as
 * such; approval never depends on them.
 */
export async function scanQrLogin(ctx: IdentityContext, wallet: Session, qrText: string) {
  const match = qrText.match(/^dinhdanh-login:([0-9a-f-]{36})\.([A-Za-z0-9_-]{16,64})$/);
  if (!match) throw new AppError('ERR_QR_LOGIN_EXPIRED');
  const [, qrLoginId, secret] = match as unknown as [string, string, string];
  const row = await ctx.db
    .selectFrom('identity.qr_login')
    .select(['secret_hash', 'status', 'device', 'client_name', 'purpose', 'created_at', 'expires_at'])
    .where('qr_login_id', '=', qrLoginId)
    .executeTakeFirst();
  if (
    !row ||
    !timingSafeEqual(row.secret_hash as Buffer, sha256(secret)) ||
    row.status !== 'pending' ||
    new Date(row.expires_at) <= ctx.clock.now()
  )
    throw new AppError('ERR_QR_LOGIN_EXPIRED');
  await ctx.db
    .updateTable('identity.qr_login')
    .set({ status: 'scanned', scanned_by_session: wallet.sessionId })
    .where('qr_login_id', '=', qrLoginId)
    .where('status', '=', 'pending')
    .execute();
  return {
    qrLoginId,
    device: (row.device as string | null) ?? null,
    clientName: (row.client_name as string | null) ?? null,
    purpose: (row.purpose as string | null) ?? null,
    requestedAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

/** Only the wallet session that scanned may approve or deny. */
export async function decideQrLogin(
  ctx: IdentityContext,
  wallet: { account: Account; session: Session },
  qrLoginId: string,
  approve: boolean,
): Promise<{ status: 'approved' | 'denied' }> {
  const amr = approve ? amrToMask(['mca', ...wallet.session.amr.filter((value) => value !== 'mca')]) : null;
  const decided = await ctx.db
    .updateTable('identity.qr_login')
    .set({
      status: approve ? 'approved' : 'denied',
      account_id: approve ? wallet.account.accountId : null,
      acr: approve ? wallet.session.acr : null,
      amr,
    })
    .where('qr_login_id', '=', qrLoginId)
    .where('status', '=', 'scanned')
    .where('scanned_by_session', '=', wallet.session.sessionId)
    .where('expires_at', '>', ctx.clock.now())
    .executeTakeFirst();
  if (Number(decided.numUpdatedRows) !== 1) throw new AppError('ERR_QR_LOGIN_EXPIRED');
  return { status: approve ? 'approved' : 'denied' };
}
