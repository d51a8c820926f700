import { randomUUID } from 'node:crypto';
import type { Db } from '@dinhdanh/db';
import { AppError } from '@dinhdanh/kernel';
import { findPerson } from '@dinhdanh/registry';
import { sql } from 'kysely';
import { findAccountRow } from '../account/account.repository.ts';
import { type Account, maskPhone } from '../account/account.ts';
import type { IdentityContext } from '../context.ts';
import { consumeOtp, sendOtp } from '../credential/otp.ts';
import { verifyPassword } from '../credential/password.ts';
import { totpStep } from '../credential/totp.ts';
import { assertUsable, lockAccount } from '../lock/lock.service.ts';
import { type Amr, acrFor } from '../session/amr.ts';
import { createSession, type Session } from '../session/session.service.ts';
import { assertNotThrottled, clearThrottle, recordFailure, throttleKey } from './throttle.ts';

async function credentialOf(db: Db, accountId: string, kind: 'password' | 'totp') {
  return db
    .selectFrom('identity.credential')
    .select(['credential_id', 'secret', 'last_step', 'failures'])
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('confirmed', '=', true)
    .executeTakeFirst();
}

export async function hasTotp(db: Db, accountId: string): Promise<boolean> {
  return !!(await credentialOf(db, accountId, 'totp'));
}

/**
 * A dead person cannot log in even before the change follower has locked the account: login
 * checks the registry itself (ADR 0005, "no window at login").
 */
export async function assertAlive(ctx: IdentityContext, account: Account): Promise<void> {
  if (!account.idNumber) return;
  const person = await findPerson(ctx.registry, account.idNumber);
  if (person?.dateOfDeath) {
    await lockAccount(ctx, account, { ground: 'death', actor: { kind: 'system', id: 'identity-login' } });
    throw new AppError('ERR_ACCOUNT_LOCKED', undefined, { grounds: ['death'] });
  }
}

/**
 * Step 1 of a password login. Unknown names and wrong passwords answer the same
 * ERR_LOGIN_FAILED after the same argon2 work; a locked account is named only after a right
 * password. On success a code goes by SMS and the caller continues with `completeLogin`.
 */
export async function startLogin(
  ctx: IdentityContext,
  input: { loginName: string; password: string },
  client: { ip: string },
): Promise<{ loginId: string; methods: Array<'sms' | 'totp'>; maskedPhone: string | null }> {
  const nameKey = throttleKey(ctx, 'name', input.loginName);
  const keys = [nameKey, throttleKey(ctx, 'ip', client.ip)];
  await assertNotThrottled(ctx, keys);
  const account = await findAccountRow(ctx.db, { loginName: input.loginName });
  const credential = account ? await credentialOf(ctx.db, account.accountId, 'password') : undefined;
  const ok = await verifyPassword(credential?.secret, input.password);
  if (!account || !credential || !ok) {
    await recordFailure(ctx, keys);
    if (credential)
      await ctx.db
        .updateTable('identity.credential')
        .set({ failures: sql`failures + 1` })
        .where('credential_id', '=', credential.credential_id)
        .execute();
    throw new AppError('ERR_LOGIN_FAILED');
  }
  assertUsable(account);
  await assertAlive(ctx, account);
  await clearThrottle(ctx, [nameKey]);
  await ctx.db
    .updateTable('identity.credential')
    .set({ failures: 0, last_used_at: ctx.clock.now() })
    .where('credential_id', '=', credential.credential_id)
    .execute();
  const loginId = randomUUID();
  await ctx.db
    .insertInto('identity.login')
    .values({
      login_id: loginId,
      account_id: account.accountId,
      // The code step never ends before the code it was sent does: the page states otpSeconds.
      expires_at: new Date(
        ctx.clock.now().getTime() + Math.max(ctx.policy.loginSeconds, ctx.policy.otpSeconds) * 1000,
      ),
    })
    .execute();
  const methods: Array<'sms' | 'totp'> = [];
  if (account.phone) {
    methods.push('sms');
    await sendOtp(ctx, 'login', loginId, account.phone);
  }
  if (await hasTotp(ctx.db, account.accountId)) methods.push('totp');
  return { loginId, methods, maskedPhone: maskPhone(account.phone) };
}

/** Checks a TOTP code and records its step, so the same code (or an older one) never works again. */
export async function acceptTotp(ctx: IdentityContext, accountId: string, code: string): Promise<boolean> {
  const credential = await credentialOf(ctx.db, accountId, 'totp');
  if (!credential?.secret) throw new AppError('ERR_TOTP_NOT_ENROLLED');
  const id = String(credential.credential_id);
  const { plain, stale } = ctx.secretBox.open(credential.secret, id);
  const step = totpStep(plain, code, ctx.clock.now());
  if (step === undefined) return false;
  const taken = await ctx.db
    .updateTable('identity.credential')
    // A secret sealed under an older key version is re-sealed under the newest on use.
    .set({
      last_step: step,
      last_used_at: ctx.clock.now(),
      ...(stale ? { secret: ctx.secretBox.seal(plain, id) } : {}),
    })
    .where('credential_id', '=', credential.credential_id)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

/** Step 2: the SMS or TOTP code. Creates the session (a new token: rotation). */
export async function completeLogin(
  ctx: IdentityContext,
  input: { loginId: string; method: 'sms' | 'totp'; code: string; device?: string | undefined },
): Promise<{ account: Account; session: Session; token: string }> {
  const login = await ctx.db
    .selectFrom('identity.login')
    .select(['account_id', 'expires_at'])
    .where('login_id', '=', input.loginId)
    .executeTakeFirst();
  if (!login || new Date(login.expires_at) <= ctx.clock.now()) throw new AppError('ERR_LOGIN_EXPIRED');
  const accountId = String(login.account_id);
  const otpKey = throttleKey(ctx, 'otp', accountId);
  await assertNotThrottled(ctx, [otpKey]);
  try {
    if (input.method === 'sms') await consumeOtp(ctx, 'login', input.loginId, input.code);
    else if (!(await acceptTotp(ctx, accountId, input.code))) throw new AppError('ERR_OTP_INVALID');
  } catch (error) {
    if (error instanceof AppError && (error.code === 'ERR_OTP_INVALID' || error.code === 'ERR_OTP_EXPIRED'))
      await recordFailure(ctx, [otpKey]);
    throw error;
  }
  const consumed = await ctx.db
    .deleteFrom('identity.login')
    .where('login_id', '=', input.loginId)
    .executeTakeFirst();
  if (Number(consumed.numDeletedRows) !== 1) throw new AppError('ERR_LOGIN_EXPIRED');
  await clearThrottle(ctx, [otpKey]);
  const account = await findAccountRow(ctx.db, { accountId });
  if (!account) throw new AppError('ERR_LOGIN_EXPIRED');
  assertUsable(account);
  const amr: Amr[] = ['pwd', input.method === 'sms' ? 'sms' : 'otp'];
  const { token, session } = await createSession(ctx, {
    accountId,
    acr: acrFor(account.level, amr),
    amr,
    device: input.device,
  });
  return { account, session, token };
}
