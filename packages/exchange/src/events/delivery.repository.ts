// The outbox: deliveries queued per subscription, claimed under a lease, settled per attempt.
import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';
import type { ExchangeEventType } from '../agency/agency.schema.ts';

export interface NewDelivery {
  deliveryId: string;
  subscriptionId: string;
  agencyId: string;
  seq: number;
  eventId: string;
  eventType: ExchangeEventType;
  idNumber: string;
  body: string;
  createdAt: Date;
}

export async function insertDeliveries(trx: Db, deliveries: readonly NewDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  await trx
    .insertInto('exchange.delivery')
    .values(
      deliveries.map((delivery) => ({
        delivery_id: delivery.deliveryId,
        subscription_id: delivery.subscriptionId,
        agency_id: delivery.agencyId,
        seq: delivery.seq,
        event_id: delivery.eventId,
        event_type: delivery.eventType,
        id_number: delivery.idNumber,
        body: delivery.body,
        status: 'pending',
        next_attempt_at: delivery.createdAt,
        created_at: delivery.createdAt,
        attempts_since: delivery.createdAt,
      })),
    )
    .execute();
}

/** A delivery leased to this process for one attempt. */
export interface ClaimedDelivery {
  deliveryId: string;
  subscriptionId: string;
  agencyId: string;
  eventId: string;
  eventType: ExchangeEventType;
  url: string;
  body: string;
  attempts: number;
  attemptsSince: Date;
}

/**
 * Leases up to `limit` due deliveries until `leaseUntil`. Only the oldest pending delivery of a
 * (subscription, person) is eligible, so a person's events reach an agency strictly in order; a
 * subscription in receiver-level back-off, deleted, or of a disabled agency gets nothing. At most
 * `perSubscription[id]` per subscription (what this process still allows it in flight).
 * Candidates are chosen first, then locked with SKIP LOCKED and re-checked, so processes running
 * this at once never lease the same delivery.
 */
export async function claimDeliveries(
  db: Db,
  options: {
    now: Date;
    leaseUntil: Date;
    limit: number;
    perSubscription: (subscriptionId: string) => number;
  },
): Promise<ClaimedDelivery[]> {
  if (options.limit <= 0) return [];
  return db.transaction().execute(async (trx) => {
    const { rows: candidates } = await sql<{ delivery_id: string; subscription_id: string }>`
      SELECT d.delivery_id, d.subscription_id
      FROM exchange.delivery d
      JOIN exchange.subscription s ON s.subscription_id = d.subscription_id
      JOIN exchange.agency a ON a.agency_id = d.agency_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ${options.now}
        AND (d.leased_until IS NULL OR d.leased_until <= ${options.now})
        AND s.deleted_at IS NULL AND (s.retry_at IS NULL OR s.retry_at <= ${options.now})
        AND a.disabled_at IS NULL
        AND NOT EXISTS (
          SELECT 1 FROM exchange.delivery p
          WHERE p.subscription_id = d.subscription_id AND p.id_number = d.id_number
            AND p.status = 'pending' AND p.seq < d.seq)
      ORDER BY d.next_attempt_at, d.seq
      LIMIT ${options.limit * 4}`.execute(trx);
    const taken = new Map<string, number>();
    const picked: string[] = [];
    for (const candidate of candidates) {
      const used = taken.get(candidate.subscription_id) ?? 0;
      if (used >= options.perSubscription(candidate.subscription_id)) continue;
      taken.set(candidate.subscription_id, used + 1);
      picked.push(candidate.delivery_id);
      if (picked.length >= options.limit) break;
    }
    if (picked.length === 0) return [];
    const { rows: locked } = await sql<{ delivery_id: string }>`
      SELECT delivery_id FROM exchange.delivery
      WHERE delivery_id = ANY(${picked}::uuid[]) AND status = 'pending'
        AND (leased_until IS NULL OR leased_until <= ${options.now})
      FOR UPDATE SKIP LOCKED`.execute(trx);
    if (locked.length === 0) return [];
    const { rows } = await sql<{
      delivery_id: string;
      subscription_id: string;
      agency_id: string;
      event_id: string;
      event_type: string;
      url: string;
      body: string;
      attempts: number;
      attempts_since: Date | string;
    }>`
      UPDATE exchange.delivery d SET leased_until = ${options.leaseUntil}
      FROM exchange.subscription s
      WHERE d.delivery_id = ANY(${locked.map((row) => row.delivery_id)}::uuid[])
        AND s.subscription_id = d.subscription_id
      RETURNING d.delivery_id, d.subscription_id, d.agency_id, d.event_id, d.event_type, s.url, d.body,
                d.attempts, d.attempts_since`.execute(trx);
    return rows.map((row) => ({
      deliveryId: String(row.delivery_id),
      subscriptionId: row.subscription_id,
      agencyId: row.agency_id,
      eventId: String(row.event_id),
      eventType: row.event_type as ExchangeEventType,
      url: row.url,
      body: row.body,
      attempts: Number(row.attempts),
      attemptsSince: new Date(row.attempts_since),
    }));
  });
}

/** A delivered event: its body is cleared (no personal data kept), the receiver is healthy again. */
export async function markDelivered(db: Db, delivery: ClaimedDelivery, at: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('exchange.delivery')
      .set({
        status: 'delivered',
        delivered_at: at,
        body: null,
        leased_until: null,
        last_error: null,
        attempts: delivery.attempts + 1,
      })
      .where('delivery_id', '=', delivery.deliveryId)
      .execute();
    await trx
      .updateTable('exchange.subscription')
      .set({ failures: 0, retry_at: null })
      .where('subscription_id', '=', delivery.subscriptionId)
      .where('failures', '>', 0)
      .execute();
  });
}

/**
 * A failed attempt: retried at `retryAt`, or a dead letter when `dead`. When the failure says the
 * receiver itself is down or overloaded, the whole subscription waits until `subscriptionRetryAt`.
 */
export async function markFailed(
  db: Db,
  delivery: ClaimedDelivery,
  outcome: {
    at: Date;
    error: string;
    dead: boolean;
    retryAt: Date;
    /** Receiver-level back-off: a function of the subscription's consecutive failures. */
    subscriptionRetryAt?: (failures: number) => Date;
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('exchange.delivery')
      .set({
        status: outcome.dead ? 'dead' : 'pending',
        dead_at: outcome.dead ? outcome.at : null,
        next_attempt_at: outcome.retryAt,
        leased_until: null,
        last_error: outcome.error.slice(0, 500),
        attempts: delivery.attempts + 1,
      })
      .where('delivery_id', '=', delivery.deliveryId)
      .execute();
    if (!outcome.subscriptionRetryAt) return;
    const row = await trx
      .updateTable('exchange.subscription')
      .set((eb) => ({ failures: eb('failures', '+', 1) }))
      .where('subscription_id', '=', delivery.subscriptionId)
      .returning('failures')
      .executeTakeFirst();
    if (row)
      await trx
        .updateTable('exchange.subscription')
        .set({ retry_at: outcome.subscriptionRetryAt(Number(row.failures)) })
        .where('subscription_id', '=', delivery.subscriptionId)
        .execute();
  });
}

/** Gives a lease back without counting an attempt (the process is stopping). */
export async function releaseLease(db: Db, deliveryId: string): Promise<void> {
  await db
    .updateTable('exchange.delivery')
    .set({ leased_until: null })
    .where('delivery_id', '=', deliveryId)
    .execute();
}
