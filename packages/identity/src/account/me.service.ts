import { findPerson } from '@dinhdanh/registry';
import { z } from 'zod';
import type { IdentityContext } from '../context.ts';
import { type Account, AccountView, presentAccount } from './account.ts';

/**
 * `GET /me`: the account plus the holder's own electronic-ID summary (ID number and date of
 * birth, read from the registry) and the state of their authenticators. Only ever answered to the
 * holder's own session, in a response body (never a URL or a log line).
 */
export const MeView = AccountView.extend({
  idNumber: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  totpEnabled: z.boolean(),
  passkeyCount: z.number().int(),
});
export type MeView = z.infer<typeof MeView>;

export async function describeMe(ctx: IdentityContext, account: Account): Promise<MeView> {
  const [person, credentials] = await Promise.all([
    account.idNumber ? findPerson(ctx.registry, account.idNumber) : undefined,
    ctx.db
      .selectFrom('identity.credential')
      .select(['kind'])
      .where('account_id', '=', account.accountId)
      .where('kind', 'in', ['totp', 'passkey'])
      .where('confirmed', '=', true)
      .execute(),
  ]);
  return {
    ...presentAccount(account),
    idNumber: account.idNumber,
    dateOfBirth: person?.dateOfBirth ?? null,
    totpEnabled: credentials.some((row) => row.kind === 'totp'),
    passkeyCount: credentials.filter((row) => row.kind === 'passkey').length,
  };
}
