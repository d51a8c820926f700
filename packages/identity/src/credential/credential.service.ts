import { randomUUID } from 'node:crypto';
import { AppError } from '@dinhdanh/kernel';
import type { Account } from '../account/account.ts';
import type { IdentityContext } from '../context.ts';
import { acceptTotp } from '../login/login.service.ts';
import { endSessions } from '../session/session.service.ts';
import { assertPasswordAcceptable } from './password.policy.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { newTotpSecret, totpFor } from './totp.ts';

/** Changes the password (the current one is required) and ends every other session at once. */
export async function changePassword(
  ctx: IdentityContext,
  account: Account,
  input: { currentPassword: string; newPassword: string; keepSessionId?: string },
): Promise<void> {
  const row = await ctx.db
    .selectFrom('identity.credential')
    .select(['credential_id', 'secret'])
    .where('account_id', '=', account.accountId)
    .where('kind', '=', 'password')
    .executeTakeFirst();
  if (!(await verifyPassword(row?.secret, input.currentPassword))) throw new AppError('ERR_LOGIN_FAILED');
  assertPasswordAcceptable(input.newPassword, { idNumber: account.idNumber, phone: account.phone });
  const phc = await hashPassword(input.newPassword);
  await ctx.db
    .updateTable('identity.credential')
    .set({ secret: phc, failures: 0 })
    .where('credential_id', '=', row!.credential_id)
    .execute();
  await endSessions(ctx, {
    accountId: account.accountId,
    ...(input.keepSessionId ? { except: input.keepSessionId } : {}),
  });
}

/** Starts TOTP enrolment: an unconfirmed secret until a first code proves the app has it. */
export async function startTotp(
  ctx: IdentityContext,
  account: Account,
): Promise<{ secret: string; otpauthUri: string }> {
  const secret = newTotpSecret();
  await ctx.db
    .deleteFrom('identity.credential')
    .where('account_id', '=', account.accountId)
    .where('kind', '=', 'totp')
    .where('confirmed', '=', false)
    .execute();
  const credentialId = randomUUID();
  await ctx.db
    .insertInto('identity.credential')
    .values({
      credential_id: credentialId,
      account_id: account.accountId,
      kind: 'totp',
      // Sealed at rest (AES-256-GCM, key versioned); the holder sees the clear secret only now.
      secret: ctx.secretBox.seal(secret, credentialId),
      confirmed: false,
      created_at: ctx.clock.now(),
    })
    .execute();
  // The label is the account's display name, never its ID number (the URI may be shown as a QR).
  return { secret, otpauthUri: totpFor(secret, account.displayName).toString() };
}

export async function confirmTotp(ctx: IdentityContext, account: Account, code: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const pending = await trx
      .selectFrom('identity.credential')
      .select(['credential_id'])
      .where('account_id', '=', account.accountId)
      .where('kind', '=', 'totp')
      .where('confirmed', '=', false)
      .executeTakeFirst();
    if (!pending) throw new AppError('ERR_TOTP_NOT_ENROLLED');
    await trx
      .deleteFrom('identity.credential')
      .where('account_id', '=', account.accountId)
      .where('kind', '=', 'totp')
      .where('confirmed', '=', true)
      .execute();
    await trx
      .updateTable('identity.credential')
      .set({ confirmed: true })
      .where('credential_id', '=', pending.credential_id)
      .execute();
  });
  if (!(await acceptTotp(ctx, account.accountId, code))) {
    await deleteTotp(ctx, account);
    throw new AppError('ERR_OTP_INVALID', 'start the enrolment again');
  }
}

export async function deleteTotp(ctx: IdentityContext, account: Account): Promise<void> {
  await ctx.db
    .deleteFrom('identity.credential')
    .where('account_id', '=', account.accountId)
    .where('kind', '=', 'totp')
    .execute();
}
