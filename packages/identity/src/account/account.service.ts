import { randomUUID } from 'node:crypto';
import type { Db } from '@dinhdanh/db';
import { AppError } from '@dinhdanh/kernel';
import { assertIdNumber } from '@dinhdanh/registry';
import { auditIdentity, type IdentityActor } from '../audit.ts';
import type { IdentityContext } from '../context.ts';
import { insertPasswordCredential } from '../credential/password.repository.ts';
import { findAccountRow, insertAccount, isUniqueViolation } from './account.repository.ts';
import type { Account } from './account.ts';

export function findAccountById(ctx: IdentityContext, accountId: string, db: Db = ctx.db) {
  if (!/^[0-9a-f-]{36}$/i.test(accountId)) return Promise.resolve(undefined);
  return findAccountRow(db, { accountId });
}

export function findAccountByIdNumber(ctx: IdentityContext, idNumber: string, db: Db = ctx.db) {
  return findAccountRow(db, { idNumber: assertIdNumber(idNumber, ctx.clock.now()) });
}

export async function getAccountByIdNumber(ctx: IdentityContext, idNumber: string): Promise<Account> {
  const account = await findAccountByIdNumber(ctx, idNumber);
  if (!account) throw new AppError('ERR_ACCOUNT_NOT_FOUND');
  return account;
}

/** Whole years between a date of birth and a day (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, day: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * Creates a citizen account (and its password, when given) with its audit entry, in the caller's
 * transaction. The unique ID number makes a second account for the same person fail
 * (ERR_ACCOUNT_EXISTS). Self-registration calls this after its checks; so do tests and tools.
 */
export async function createCitizenAccount(
  ctx: IdentityContext,
  input: {
    idNumber: string;
    displayName: string;
    phone: string | null;
    level?: 1 | 2;
    passwordHash?: string;
    actor?: IdentityActor;
    checks?: string[];
  },
  db: Db = ctx.db,
): Promise<Account> {
  const accountId = randomUUID();
  const now = ctx.clock.now();
  const level = input.level ?? 1;
  const write = async (trx: Db) => {
    await insertAccount(trx, {
      accountId,
      kind: 'citizen',
      loginName: input.idNumber,
      idNumber: input.idNumber,
      level,
      displayName: input.displayName,
      phone: input.phone,
      createdAt: now,
    });
    if (input.passwordHash) await insertPasswordCredential(trx, accountId, input.passwordHash, now);
    await auditIdentity(ctx, trx, {
      actor: input.actor ?? { kind: 'citizen', id: accountId },
      action: 'identity.account_created',
      idNumber: input.idNumber,
      purpose: `Tạo tài khoản định danh điện tử mức ${level} / level-${level} eID account created`,
      details: { level, checks: input.checks ?? [] },
    });
  };
  try {
    if (db === ctx.db) await ctx.db.transaction().execute(write);
    else await write(db);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('ERR_ACCOUNT_EXISTS');
    throw error;
  }
  return (await findAccountRow(db, { accountId }))!;
}
