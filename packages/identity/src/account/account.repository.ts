import type { Db } from '@dinhdanh/db';
import type { Account, AccountKind, LockGround } from './account.ts';

interface AccountRow {
  account_id: string;
  kind: AccountKind;
  login_name: string;
  id_number: string | null;
  level: number | null;
  display_name: string;
  phone: string | null;
  details: Record<string, unknown>;
  stay_expires_on: string | null;
  representative_account_id: string | null;
  card_number: string | null;
  level2_at: Date | null;
  created_at: Date;
  locks: LockGround[] | null;
}

function toAccount(row: AccountRow): Account {
  return {
    accountId: row.account_id,
    kind: row.kind,
    loginName: row.login_name,
    idNumber: row.id_number,
    level: row.level === 1 || row.level === 2 ? row.level : null,
    displayName: row.display_name,
    phone: row.phone,
    details: row.details ?? {},
    stayExpiresOn: row.stay_expires_on,
    representativeAccountId: row.representative_account_id,
    cardNumber: row.card_number,
    level2At: row.level2_at ? new Date(row.level2_at) : null,
    createdAt: new Date(row.created_at),
    locks: row.locks ?? [],
  };
}

function selectAccounts(db: Db) {
  return db
    .selectFrom('identity.account as a')
    .selectAll('a')
    .select((eb) =>
      eb
        .selectFrom('identity.lock as l')
        .select(eb.fn.agg<LockGround[]>('array_agg', ['l.ground']).as('grounds'))
        .whereRef('l.account_id', '=', 'a.account_id')
        .where('l.lifted_at', 'is', null)
        .as('locks'),
    );
}

export async function findAccountRow(
  db: Db,
  by: { accountId: string } | { idNumber: string } | { loginName: string },
): Promise<Account | undefined> {
  const column = 'accountId' in by ? 'a.account_id' : 'idNumber' in by ? 'a.id_number' : 'a.login_name';
  const value = 'accountId' in by ? by.accountId : 'idNumber' in by ? by.idNumber : by.loginName;
  const row = await selectAccounts(db).where(column, '=', value).executeTakeFirst();
  return row ? toAccount(row as AccountRow) : undefined;
}

export interface NewAccount {
  accountId: string;
  kind: AccountKind;
  loginName: string;
  idNumber: string | null;
  level: 1 | 2 | null;
  displayName: string;
  phone: string | null;
  details?: Record<string, unknown>;
  stayExpiresOn?: string | null;
  representativeAccountId?: string | null;
  createdAt: Date;
}

export async function insertAccount(db: Db, account: NewAccount): Promise<void> {
  await db
    .insertInto('identity.account')
    .values({
      account_id: account.accountId,
      kind: account.kind,
      login_name: account.loginName,
      id_number: account.idNumber,
      level: account.level,
      display_name: account.displayName,
      phone: account.phone,
      details: JSON.stringify(account.details ?? {}),
      stay_expires_on: account.stayExpiresOn ?? null,
      representative_account_id: account.representativeAccountId ?? null,
      created_at: account.createdAt,
    })
    .execute();
}

/** True for Postgres' unique-violation, whichever driver raised it. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}
