import type { Db } from '@dinhdanh/db';
import { AppError } from '@dinhdanh/kernel';
import { assertIdNumber, getRelations, type PersonSummary } from '@dinhdanh/registry';
import type { IdentityContext } from '../context.ts';
import { findAccountRow } from './account.repository.ts';
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
 * The holder's dependents (Decree 69, older rule): living children under 14 whose father or
 * mother is the holder, read from the registry.
 */
export async function listDependents(
  ctx: IdentityContext,
  account: Account,
): Promise<Array<PersonSummary & { age: number; relation: 'child' | 'ward' }>> {
  if (!account.idNumber) return [];
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const relations = await getRelations(ctx.registry, account.idNumber);
  const out: Array<PersonSummary & { age: number; relation: 'child' | 'ward' }> = [];
  for (const child of relations.children) {
    const age = ageOn(child.dateOfBirth, today);
    if (age < 14 && !child.dateOfDeath) out.push({ ...child, age, relation: 'child' });
  }
  // Wards under guardianship are linked on the ward's record only and the registry exports no
  // index from guardian to wards yet, so they are not listed (see README, "missing").
  return out;
}
