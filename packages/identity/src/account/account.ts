import { z } from 'zod';

export const AccountKind = z.enum(['citizen', 'foreigner', 'organisation']);
export type AccountKind = z.infer<typeof AccountKind>;

export const LockGround = z.enum([
  'holder',
  'officer',
  'breach',
  'death',
  'card_revoked',
  'stay_expired',
  'dissolved',
  'court',
]);
export type LockGround = z.infer<typeof LockGround>;

/** Grounds that lift by themselves when the registry says the fact behind them has lapsed. */
export const automaticGrounds: readonly LockGround[] = ['death', 'card_revoked', 'stay_expired'];

export interface Account {
  accountId: string;
  kind: AccountKind;
  loginName: string;
  idNumber: string | null;
  level: 1 | 2 | null;
  displayName: string;
  phone: string | null;
  details: Record<string, unknown>;
  stayExpiresOn: string | null;
  representativeAccountId: string | null;
  cardNumber: string | null;
  level2At: Date | null;
  createdAt: Date;
  /** Active lock grounds; empty when the account may be used. */
  locks: LockGround[];
}

/** "09xxxxx678": enough for the holder to recognise, too little to be a phone number. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  return phone.length <= 5
    ? '*****'
    : `${phone.slice(0, 2)}${'*'.repeat(phone.length - 5)}${phone.slice(-3)}`;
}

/** The account as its holder and the API see it. */
export const AccountView = z.object({
  accountId: z.string(),
  kind: AccountKind,
  level: z.union([z.literal(1), z.literal(2)]).nullable(),
  status: z.enum(['active', 'locked']),
  locks: z.array(LockGround),
  name: z.string(),
  maskedPhone: z.string().nullable(),
  createdAt: z.string(),
});
export type AccountView = z.infer<typeof AccountView>;

export function presentAccount(account: Account): AccountView {
  return {
    accountId: account.accountId,
    kind: account.kind,
    level: account.level,
    status: account.locks.length ? 'locked' : 'active',
    locks: account.locks,
    name: account.displayName,
    maskedPhone: maskPhone(account.phone),
    createdAt: account.createdAt.toISOString(),
  };
}
