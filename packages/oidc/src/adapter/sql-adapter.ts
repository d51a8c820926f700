import type { Db } from '@dinhdanh/db';
import { type ExpressionBuilder, sql } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';

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
    const expiresAt = expiresIn ? new Date(new Date().getTime() + expiresIn * 1000) : null;
    const identitySessionId = this.kind === 'Session' ? (this.identitySession?.() ?? null) : null;
    await this.db
      .insertInto('oidc.model')
      .values({
        kind: this.kind,
        id,
        payload: JSON.stringify(payload),
        grant_id: payload.grantId ?? null,
        uid: payload.uid ?? null,
        user_code: payload.userCode ?? null,
        identity_session_id: identitySessionId,
        expires_at: expiresAt,
      })
      .onConflict((oc) =>
        oc.columns(['kind', 'id']).doUpdateSet({
          payload: (eb: ExpressionBuilder<any, any>) => eb.ref('excluded.payload'),
          grant_id: (eb: ExpressionBuilder<any, any>) => eb.ref('excluded.grant_id'),
          uid: (eb: ExpressionBuilder<any, any>) => eb.ref('excluded.uid'),
          user_code: (eb: ExpressionBuilder<any, any>) => eb.ref('excluded.user_code'),
          // A save outside an authorization request keeps the session's link.
          identity_session_id: sql`coalesce(excluded.identity_session_id, oidc.model.identity_session_id)`,
          expires_at: (eb: ExpressionBuilder<any, any>) => eb.ref('excluded.expires_at'),
        }),
      )
      .execute();
  }

  private async findWhere(
    column: 'id' | 'uid' | 'user_code',
    value: string,
  ): Promise<AdapterPayload | undefined> {
    const row = await this.db
      .selectFrom('oidc.model')
      .select(['payload', 'consumed_at', 'expires_at'])
      .where('kind', '=', this.kind)
      .where(column, '=', value)
      .executeTakeFirst();
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
    await this.db
      .updateTable('oidc.model')
      .set({ consumed_at: new Date() })
      .where('kind', '=', this.kind)
      .where('id', '=', id)
      .execute();
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
