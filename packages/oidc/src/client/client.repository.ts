import type { Db } from '@dinhdanh/db';
import type { RelyingParty } from './client.schema.ts';

interface ClientRow {
  client_id: string;
  kind: string;
  auth_method: string;
  name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  backchannel_logout_uri: string | null;
  jwks: unknown;
  scopes: string[];
  claims: string[];
  min_level: number;
  sector_identifier: string;
  created_at: Date | string;
  disabled: boolean;
}

const fromRow = (row: ClientRow): RelyingParty => ({
  clientId: row.client_id,
  kind: row.kind === 'service' ? 'service' : 'relying_party',
  authMethod:
    row.auth_method === 'self_signed_tls_client_auth' ? 'self_signed_tls_client_auth' : 'private_key_jwt',
  name: row.name,
  redirectUris: row.redirect_uris,
  postLogoutRedirectUris: row.post_logout_redirect_uris,
  backchannelLogoutUri: row.backchannel_logout_uri,
  jwks: (typeof row.jwks === 'string' ? JSON.parse(row.jwks) : row.jwks) as RelyingParty['jwks'],
  scopes: row.scopes,
  claims: row.claims,
  minLevel: row.min_level === 2 ? 2 : 1,
  sector: row.sector_identifier,
  createdAt: new Date(row.created_at).toISOString(),
  disabled: row.disabled,
});

export async function insertClient(db: Db, client: Omit<RelyingParty, 'disabled'>): Promise<void> {
  await db
    .insertInto('oidc.client')
    .values({
      client_id: client.clientId,
      kind: client.kind,
      auth_method: client.authMethod,
      name: client.name,
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris,
      backchannel_logout_uri: client.backchannelLogoutUri,
      jwks: JSON.stringify(client.jwks),
      scopes: client.scopes,
      claims: client.claims,
      min_level: client.minLevel,
      sector_identifier: client.sector,
      created_at: client.createdAt,
    })
    .execute();
}

export async function findClientRow(db: Db, clientId: string): Promise<RelyingParty | undefined> {
  const row = await db
    .selectFrom('oidc.client')
    .selectAll()
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row ? fromRow(row as ClientRow) : undefined;
}

export async function listClientRows(db: Db, kind: RelyingParty['kind']): Promise<RelyingParty[]> {
  const rows = await db
    .selectFrom('oidc.client')
    .selectAll()
    .where('kind', '=', kind)
    .orderBy('created_at')
    .orderBy('client_id')
    .execute();
  return rows.map((row) => fromRow(row as ClientRow));
}

export async function disableClientRow(db: Db, clientId: string): Promise<boolean> {
  const result = await db
    .updateTable('oidc.client')
    .set({ disabled: true })
    .where('client_id', '=', clientId)
    .where('disabled', '=', false)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
