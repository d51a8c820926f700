// Dead letters: deliveries given up on, listed without personal data, and requeued on request.
import type { Db } from '@dinhdanh/db';
import type { ExchangeEventType } from '../agency/agency.schema.ts';

export interface DeadLetterRow {
  deliveryId: string;
  agencyId: string;
  subscriptionId: string;
  eventId: string;
  eventType: ExchangeEventType;
  attempts: number;
  lastError: string | null;
  deadAt: string;
}

/** Dead letters, newest first; no personal data (no ID number, no body). */
export async function listDeadLetterRows(
  db: Db,
  options: { agencyId?: string | undefined; limit: number; before?: string | undefined },
): Promise<DeadLetterRow[]> {
  let query = db
    .selectFrom('exchange.delivery')
    .select([
      'delivery_id',
      'agency_id',
      'subscription_id',
      'event_id',
      'event_type',
      'attempts',
      'last_error',
      'dead_at',
    ])
    .where('status', '=', 'dead')
    .orderBy('dead_at', 'desc')
    .orderBy('delivery_id')
    .limit(options.limit);
  if (options.agencyId) query = query.where('agency_id', '=', options.agencyId);
  if (options.before) query = query.where('dead_at', '<', new Date(options.before));
  return (await query.execute()).map((row) => ({
    deliveryId: String(row.delivery_id),
    agencyId: String(row.agency_id),
    subscriptionId: String(row.subscription_id),
    eventId: String(row.event_id),
    eventType: row.event_type as ExchangeEventType,
    attempts: Number(row.attempts),
    lastError: row.last_error === null ? null : String(row.last_error),
    deadAt: new Date(row.dead_at as string | Date).toISOString(),
  }));
}

export type RedeliverOutcome = 'queued' | 'not_found' | 'not_dead' | 'subscription_deleted';

/**
 * Puts a dead letter back in the outbox with a fresh attempt window; the receiver-level back-off
 * of its subscription is lifted too (the administrator says the receiver is back).
 */
export async function requeueDeadLetter(db: Db, deliveryId: string, at: Date): Promise<RedeliverOutcome> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('exchange.delivery as d')
      .innerJoin('exchange.subscription as s', 's.subscription_id', 'd.subscription_id')
      .select(['d.status', 's.deleted_at', 'd.subscription_id'])
      .where('d.delivery_id', '=', deliveryId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return 'not_found';
    if (row.status !== 'dead') return 'not_dead';
    if (row.deleted_at !== null) return 'subscription_deleted';
    await trx
      .updateTable('exchange.delivery')
      .set({ status: 'pending', dead_at: null, next_attempt_at: at, attempts_since: at, leased_until: null })
      .where('delivery_id', '=', deliveryId)
      .execute();
    await trx
      .updateTable('exchange.subscription')
      .set({ failures: 0, retry_at: null })
      .where('subscription_id', '=', row.subscription_id)
      .execute();
    return 'queued';
  });
}
