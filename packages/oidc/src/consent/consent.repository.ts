import type { Db } from '@dinhdanh/db';

export interface ConsentRecord {
  clientId: string;
  scopes: string[];
  claims: string[];
  grantId: string | null;
  grantedAt: string;
}

export async function insertConsent(
  db: Db,
  consent: {
    accountId: string;
    clientId: string;
    scopes: string[];
    claims: string[];
    grantId: string;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('oidc.consent')
    .values({
      account_id: consent.accountId,
      client_id: consent.clientId,
      scopes: consent.scopes,
      claims: consent.claims,
      grant_id: consent.grantId,
      granted_at: consent.at,
    })
    .execute();
}

/** The grant behind the account's latest unrevoked consent to the client: consent remembered per RP. */
export async function activeConsentGrantId(
  db: Db,
  accountId: string,
  clientId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('oidc.consent')
    .select('grant_id')
    .where('account_id', '=', accountId)
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (row?.grant_id as string | null | undefined) ?? undefined;
}

/** Unrevoked consents of an account, newest per client first. */
export async function listActiveConsents(db: Db, accountId: string): Promise<ConsentRecord[]> {
  const rows = await db
    .selectFrom('oidc.consent')
    .select(['client_id', 'scopes', 'claims', 'grant_id', 'granted_at'])
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .orderBy('id', 'desc')
    .execute();
  const seen = new Set<string>();
  const result: ConsentRecord[] = [];
  for (const row of rows) {
    if (seen.has(row.client_id)) continue;
    seen.add(row.client_id);
    result.push({
      clientId: row.client_id,
      scopes: row.scopes,
      claims: row.claims,
      grantId: row.grant_id,
      grantedAt: new Date(row.granted_at).toISOString(),
    });
  }
  return result;
}

/** Marks every unrevoked consent of the account to the client withdrawn; returns their grants. */
export async function revokeConsents(
  db: Db,
  accountId: string,
  clientId: string,
  at: Date,
): Promise<string[]> {
  const rows = await db
    .updateTable('oidc.consent')
    .set({ revoked_at: at })
    .where('account_id', '=', accountId)
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .returning('grant_id')
    .execute();
  return rows.map((row) => row.grant_id as string | null).filter((id): id is string => !!id);
}
