import { createHmac, randomInt } from 'node:crypto';
import { AppError } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import type { IdentityContext } from '../context.ts';

export type OtpPurpose = 'registration' | 'login';

function mac(ctx: IdentityContext, ownerId: string, code: string): Buffer {
  return createHmac('sha256', ctx.secret).update(`otp:${ownerId}:${code}`).digest();
}

/**
 * Issues a fresh 6-digit code for a registration or a login (replacing any earlier one) and
 * sends it by SMS. Only its HMAC is stored.
 */
export async function sendOtp(
  ctx: IdentityContext,
  purpose: OtpPurpose,
  ownerId: string,
  phone: string,
): Promise<void> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const now = ctx.clock.now();
  const row = {
    owner_id: ownerId,
    purpose,
    code_mac: mac(ctx, ownerId, code),
    attempts: 0,
    expires_at: new Date(now.getTime() + ctx.policy.otpSeconds * 1000),
  };
  await ctx.db
    .insertInto('identity.otp')
    .values(row)
    .onConflict((oc) => oc.column('owner_id').doUpdateSet(row))
    .execute();
  const minutes = Math.round(ctx.policy.otpSeconds / 60);
  await ctx.sms.send({
    to: phone,
    sentAt: now,
    text: `Ma xac thuc dinhdanh: ${code}. Hieu luc ${minutes} phut. Khong chia se ma nay voi bat ky ai.`,
  });
}

/**
 * Consumes the code: single use (deleted when accepted, atomically, so two requests cannot
 * both pass), expired after `otpSeconds`, dead after `otpMaxAttempts` wrong tries.
 */
export async function consumeOtp(
  ctx: IdentityContext,
  purpose: OtpPurpose,
  ownerId: string,
  code: string,
): Promise<void> {
  const now = ctx.clock.now();
  const accepted = await ctx.db
    .deleteFrom('identity.otp')
    .where('owner_id', '=', ownerId)
    .where('purpose', '=', purpose)
    .where('code_mac', '=', mac(ctx, ownerId, code))
    .where('expires_at', '>', now)
    .where('attempts', '<', ctx.policy.otpMaxAttempts)
    .returning('owner_id')
    .executeTakeFirst();
  if (accepted) return;
  const wrong = await ctx.db
    .updateTable('identity.otp')
    .set({ attempts: sql`attempts + 1` })
    .where('owner_id', '=', ownerId)
    .where('purpose', '=', purpose)
    .where('expires_at', '>', now)
    .where('attempts', '<', ctx.policy.otpMaxAttempts)
    .returning('attempts')
    .executeTakeFirst();
  if (!wrong) throw new AppError('ERR_OTP_EXPIRED', 'request a new code');
  throw new AppError('ERR_OTP_INVALID', undefined, {
    attemptsLeft: ctx.policy.otpMaxAttempts - Number(wrong.attempts),
  });
}
