import type { Db } from '@dinhdanh/db';
import { CompiledQuery } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';

// The provider calls these on every token request; prepared text skips the query builder,
// which cost more CPU than the statements themselves (bench/identity.bench.ts, BENCH_CPU_PROF).
const UPSERT = `INSERT INTO oidc.model (kind, id, payload, grant_id, uid, user_code, identity_session_id, expires_at)
VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8)
ON CONFLICT (kind, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
  uid = excluded.uid, user_code = excluded.user_code,
  identity_session_id = coalesce(excluded.identity_session_id, oidc.model.identity_session_id),
  expires_at = excluded.expires_at`;
// A save outside an authorization request keeps the session's link (the coalesce above).
const FIND_BY = {
  id: 'SELECT payload, consumed_at, expires_at FROM oidc.model WHERE kind = $1 AND id = $2',
  uid: 'SELECT payload, consumed_at, expires_at FROM oidc.model WHERE kind = $1 AND uid = $2',
  user_code: 'SELECT payload, consumed_at, expires_at FROM oidc.model WHERE kind = $1 AND user_code = $2',
} as const;
const CONSUME = 'UPDATE oidc.model SET consumed_at = $1 WHERE kind = $2 AND id = $3';
// Reading an authorization code at the token endpoint redeems it in the same statement, so two
// concurrent redemptions cannot both see it unused; the second sees it consumed (and the
// provider then revokes the grant). The row lock makes the second wait for the first's answer.
const REDEEM = `WITH before AS (SELECT consumed_at FROM oidc.model WHERE kind = $1 AND id = $2 FOR UPDATE)
UPDATE oidc.model m SET consumed_at = coalesce(m.consumed_at, $3) FROM before
WHERE m.kind = $1 AND m.id = $2
RETURNING m.payload, before.consumed_at, m.expires_at`;

/** Models whose only reader is their redemption (the token endpoint), redeemed as they are read. */
export const redeemedOnRead: ReadonlySet<string> = new Set(['AuthorizationCode']);

interface ModelRow {
  payload: unknown;
  consumed_at: string | Date | null;
  expires_at: string | Date | null;
}

/**
 * Every oidc-provider model in one table, `oidc.model` (kind + id). The provider's secondary
 * lookups (session by uid, device code by user code, everything of a grant) use the indexed
 * columns; the payload is stored as the provider hands it over. Expiry uses the wall clock, as
 * the provider itself does for `exp`.
 */
export class SqlAdapter implements Adapter {
  readonly kind: string;
  readonly db: Db;
  /** Gives the identity session a provider Session is saved under (see oidc.model). */
  readonly identitySession: (() => string | undefined) | undefined;

  constructor(kind: string, db: Db, identitySession?: () => string | undefined) {
    this.kind = kind;
    this.db = db;
    this.identitySession = identitySession;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
    const identitySessionId = this.kind === 'Session' ? (this.identitySession?.() ?? null) : null;
    await this.db.executeQuery(
      CompiledQuery.raw(UPSERT, [
        this.kind,
        id,
        JSON.stringify(payload),
        payload.grantId ?? null,
        payload.uid ?? null,
        payload.userCode ?? null,
        identitySessionId,
        expiresAt,
      ]),
    );
  }

  private async findWhere(
    column: 'id' | 'uid' | 'user_code',
    value: string,
  ): Promise<AdapterPayload | undefined> {
    const query =
      column === 'id' && redeemedOnRead.has(this.kind)
        ? CompiledQuery.raw(REDEEM, [this.kind, value, new Date()])
        : CompiledQuery.raw(FIND_BY[column], [this.kind, value]);
    const { rows } = await this.db.executeQuery<ModelRow>(query);
    const row = rows[0];
    if (!row) return undefined;
    if (row.expires_at && new Date(row.expires_at) <= new Date()) return undefined;
    const payload = (
      typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload
    ) as AdapterPayload;
    return row.consumed_at
      ? { ...payload, consumed: Math.floor(new Date(row.consumed_at).getTime() / 1000) }
      : payload;
  }

  find(id: string) {
    return this.findWhere('id', id);
  }
  findByUid(uid: string) {
    return this.findWhere('uid', uid);
  }
  findByUserCode(userCode: string) {
    return this.findWhere('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    if (redeemedOnRead.has(this.kind)) return; // already consumed when it was read
    await this.db.executeQuery(CompiledQuery.raw(CONSUME, [new Date(), this.kind, id]));
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('oidc.model').where('kind', '=', this.kind).where('id', '=', id).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.deleteFrom('oidc.model').where('grant_id', '=', grantId).execute();
  }
}

/** Deletes expired provider rows; called periodically by the server. Returns how many went. */
export async function sweepExpiredModels(db: Db, now = new Date()): Promise<number> {
  const result = await db.deleteFrom('oidc.model').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
