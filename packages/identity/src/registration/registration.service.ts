import { randomUUID } from 'node:crypto';
import { AppError, foldVietnamese } from '@dinhdanh/kernel';
import { findPerson, type Person } from '@dinhdanh/registry';
import { ageOn, createCitizenAccount, findAccountByIdNumber } from '../account/account.service.ts';
import { maskPhone } from '../account/account.ts';
import type { IdentityContext } from '../context.ts';
import { consumeOtp, sendOtp } from '../credential/otp.ts';
import { assertPasswordAcceptable } from '../credential/password.policy.ts';
import { hashPassword } from '../credential/password.ts';
import { assertNotThrottled, recordFailure, throttleKey } from '../login/throttle.ts';

type Step = 'otp' | 'face' | 'password';

export interface RegistrationStart {
  idNumber: string;
  fullName: string;
  dateOfBirth: string;
  phone: string;
}

/** 0912345678 and +84912345678 are the same phone. */
export function nationalPhone(phone: string | null | undefined): string {
  return (phone ?? '').replace(/[\s.-]/g, '').replace(/^\+84/, '0');
}

/**
 * Step 1: the details must match the registry exactly (name folded for diacritics and spacing);
 * a mismatch never says which field. Then a code goes by SMS to the phone on record. Failed
 * matches count against the client address, so the registry cannot be probed field by field.
 */
export async function startRegistration(
  ctx: IdentityContext,
  input: RegistrationStart,
  client: { ip: string },
): Promise<{ registrationId: string; maskedPhone: string | null; expiresAt: Date }> {
  const ipKey = throttleKey(ctx, 'ip', `registration:${client.ip}`);
  await assertNotThrottled(ctx, [ipKey]);
  const person = await findPerson(ctx.registry, input.idNumber).catch(() => undefined);
  const matches =
    !!person &&
    !person.dateOfDeath &&
    foldVietnamese(person.fullName) === foldVietnamese(input.fullName) &&
    person.dateOfBirth === input.dateOfBirth &&
    !!person.phone &&
    nationalPhone(person.phone) === nationalPhone(input.phone);
  if (!person || !matches) {
    await recordFailure(ctx, [ipKey]);
    throw new AppError('ERR_REGISTRATION_MISMATCH');
  }
  const now = ctx.clock.now();
  if (ageOn(person.dateOfBirth, now.toISOString().slice(0, 10)) < ctx.policy.selfRegistrationAge)
    throw new AppError(
      'ERR_NOT_ELIGIBLE',
      `self-registration is from age ${ctx.policy.selfRegistrationAge}; younger children appear in a parent's account`,
    );
  if (await findAccountByIdNumber(ctx, person.idNumber)) throw new AppError('ERR_ACCOUNT_EXISTS');
  const registrationId = randomUUID();
  const expiresAt = new Date(now.getTime() + ctx.policy.registrationSeconds * 1000);
  await ctx.db
    .insertInto('identity.registration')
    .values({
      registration_id: registrationId,
      id_number: person.idNumber,
      phone: nationalPhone(person.phone),
      step: 'otp',
      expires_at: expiresAt,
      created_at: now,
    })
    .execute();
  await sendOtp(ctx, 'registration', registrationId, person.phone!);
  return { registrationId, maskedPhone: maskPhone(nationalPhone(person.phone)), expiresAt };
}

async function registrationAt(ctx: IdentityContext, registrationId: string, step: Step) {
  const row = await ctx.db
    .selectFrom('identity.registration')
    .select(['registration_id', 'id_number', 'phone', 'step', 'expires_at'])
    .where('registration_id', '=', registrationId)
    .executeTakeFirst();
  if (!row || new Date(row.expires_at) <= ctx.clock.now()) throw new AppError('ERR_REGISTRATION_EXPIRED');
  if (row.step !== step)
    throw new AppError('ERR_REGISTRATION_STEP', `this registration is at step "${row.step}"`);
  return { idNumber: String(row.id_number), phone: String(row.phone) };
}

async function advance(ctx: IdentityContext, registrationId: string, from: Step, to: Step): Promise<void> {
  const moved = await ctx.db
    .updateTable('identity.registration')
    .set({ step: to })
    .where('registration_id', '=', registrationId)
    .where('step', '=', from)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw new AppError('ERR_REGISTRATION_STEP');
}

async function livingPerson(ctx: IdentityContext, idNumber: string): Promise<Person> {
  const person = await findPerson(ctx.registry, idNumber);
  if (!person || person.dateOfDeath) throw new AppError('ERR_REGISTRATION_MISMATCH');
  return person;
}

/** Step 2: the SMS code (6 digits, single use, valid `policy.otpSeconds`, `policy.otpMaxAttempts` tries). */
export async function confirmRegistrationOtp(
  ctx: IdentityContext,
  registrationId: string,
  code: string,
): Promise<{ next: 'face' }> {
  await registrationAt(ctx, registrationId, 'otp');
  await consumeOtp(ctx, 'registration', registrationId, code);
  await advance(ctx, registrationId, 'otp', 'face');
  return { next: 'face' };
}

/** Step 3: a face capture compared with the portrait on record (through the FaceVerifier). */
export async function checkRegistrationFace(
  ctx: IdentityContext,
  registrationId: string,
  image: Uint8Array,
): Promise<{ next: 'password' }> {
  const { idNumber } = await registrationAt(ctx, registrationId, 'face');
  const person = await livingPerson(ctx, idNumber);
  const result = await ctx.face.verify(person, image);
  if (!result.match) throw new AppError('ERR_FACE_MISMATCH');
  await advance(ctx, registrationId, 'face', 'password');
  return { next: 'password' };
}

/**
 * Step 4: the password; the account, its password and the audit entry are written in one
 * transaction that also consumes the registration, so nothing is ever half-created and a
 * second account for the same person fails on the unique ID number.
 */
export async function completeRegistration(
  ctx: IdentityContext,
  registrationId: string,
  password: string,
): Promise<{ accountId: string; level: 1 }> {
  const { idNumber, phone } = await registrationAt(ctx, registrationId, 'password');
  const person = await livingPerson(ctx, idNumber);
  assertPasswordAcceptable(password, { idNumber, phone, dateOfBirth: person.dateOfBirth });
  const passwordHash = await hashPassword(password);
  const now = ctx.clock.now();
  const account = await ctx.db.transaction().execute(async (trx) => {
    const consumed = await trx
      .deleteFrom('identity.registration')
      .where('registration_id', '=', registrationId)
      .where('step', '=', 'password')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(consumed.numDeletedRows) !== 1) throw new AppError('ERR_REGISTRATION_EXPIRED');
    return createCitizenAccount(
      ctx,
      {
        idNumber,
        displayName: person.fullName,
        phone,
        level: 1,
        passwordHash,
        checks: ['registry_match', 'sms_otp', 'face'],
      },
      trx,
    );
  });
  return { accountId: account.accountId, level: 1 };
}
