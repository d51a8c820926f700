import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';
import type { ExchangeEventType } from '../agency/agency.schema.ts';

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

// ── subscriptions ──

export interface SubscriptionRow {
  subscriptionId: string;
  agencyId: string;
  url: string;
  eventTypes: ExchangeEventType[];
  createdAt: string;
  failures: number;
  retryAt: string | null;
}

interface RawSubscription {
  subscription_id: string;
  agency_id: string;
  url: string;
  event_types: string[];
  created_at: Date | string;
  failures: number;
  retry_at: Date | string | null;
}

const subscriptionOf = (row: RawSubscription): SubscriptionRow => ({
  subscriptionId: row.subscription_id,
  agencyId: row.agency_id,
  url: row.url,
  eventTypes: row.event_types as ExchangeEventType[],
  createdAt: new Date(row.created_at).toISOString(),
  failures: Number(row.failures),
  retryAt: iso(row.retry_at),
});

export async function insertSubscription(
  db: Db,
  row: Pick<SubscriptionRow, 'subscriptionId' | 'agencyId' | 'url' | 'eventTypes' | 'createdAt'>,
): Promise<void> {
  await db
    .insertInto('exchange.subscription')
    .values({
      subscription_id: row.subscriptionId,
      agency_id: row.agencyId,
      url: row.url,
      event_types: row.eventTypes,
      created_at: row.createdAt,
    })
    .execute();
}

/** Active subscriptions, of one agency or of every agency that is not disabled. */
export async function listSubscriptionRows(db: Db, agencyId?: string): Promise<SubscriptionRow[]> {
  let query = db
    .selectFrom('exchange.subscription as s')
    .innerJoin('exchange.agency as a', 'a.agency_id', 's.agency_id')
    .selectAll('s')
    .where('s.deleted_at', 'is', null)
    .orderBy('s.created_at')
    .orderBy('s.subscription_id');
  query = agencyId ? query.where('s.agency_id', '=', agencyId) : query.where('a.disabled_at', 'is', null);
  return (await query.execute()).map((row) => subscriptionOf(row as RawSubscription));
}

export async function countPendingBySubscription(
  db: Db,
  subscriptionIds: readonly string[],
): Promise<Map<string, number>> {
  if (subscriptionIds.length === 0) return new Map();
  const { rows } = await sql<{ subscription_id: string; pending: string }>`
    SELECT subscription_id, count(*) AS pending FROM exchange.delivery
    WHERE status = 'pending' AND subscription_id = ANY(${[...subscriptionIds]}::text[])
    GROUP BY subscription_id`.execute(db);
  return new Map(rows.map((row) => [row.subscription_id, Number(row.pending)]));
}

/**
 * Deletes an agency's subscription: no more events are queued for it and its pending deliveries
 * are dropped (never sent). Dead letters stay for the administrator to see.
 */
export async function deleteSubscriptionRow(
  db: Db,
  agencyId: string,
  subscriptionId: string,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('exchange.subscription')
    .set({ deleted_at: at })
    .where('subscription_id', '=', subscriptionId)
    .where('agency_id', '=', agencyId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await db
    .deleteFrom('exchange.delivery')
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .execute();
  return true;
}

// ── cursors and events ──

/** The cursor's position, locked for this transaction; undefined when another process holds it. */
export async function lockCursor(trx: Db, name: 'outbox' | 'nats'): Promise<number | undefined> {
  const { rows } = await sql<{ last_seq: string }>`
    SELECT last_seq FROM exchange.event_cursor WHERE name = ${name} FOR UPDATE SKIP LOCKED`.execute(trx);
  return rows[0] ? Number(rows[0].last_seq) : undefined;
}

export async function readCursor(db: Db, name: 'outbox' | 'nats'): Promise<number> {
  const row = await db
    .selectFrom('exchange.event_cursor')
    .select('last_seq')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return Number(row.last_seq);
}

/** Leases a cursor until `until` (no transaction held); undefined when another process holds it. */
export async function leaseCursor(db: Db, name: 'nats', now: Date, until: Date): Promise<number | undefined> {
  const row = await db
    .updateTable('exchange.event_cursor')
    .set({ leased_until: until })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<=', now)]))
    .returning('last_seq')
    .executeTakeFirst();
  return row ? Number(row.last_seq) : undefined;
}

/** Moves a leased cursor and gives the lease back. */
export async function releaseCursor(db: Db, name: 'nats', seq: number): Promise<void> {
  await db
    .updateTable('exchange.event_cursor')
    .set({ last_seq: seq, leased_until: null })
    .where('name', '=', name)
    .execute();
}

export async function setCursor(trx: Db, name: 'outbox' | 'nats', seq: number): Promise<void> {
  await trx.updateTable('exchange.event_cursor').set({ last_seq: seq }).where('name', '=', name).execute();
}

export interface EventRow {
  seq: number;
  eventId: string;
  type: ExchangeEventType;
  idNumber: string;
  occurredAt: Date;
  fields: string[];
}

export async function insertEvents(trx: Db, events: readonly EventRow[]): Promise<void> {
  if (events.length === 0) return;
  await trx
    .insertInto('exchange.event')
    .values(
      events.map((event) => ({
        seq: event.seq,
        event_id: event.eventId,
        type: event.type,
        id_number: event.idNumber,
        occurred_at: event.occurredAt,
        fields: event.fields,
      })),
    )
    .execute();
}

/** Events after `after`, in feed order. */
export async function readEvents(db: Db, after: number, limit: number): Promise<EventRow[]> {
  const rows = await db
    .selectFrom('exchange.event')
    .selectAll()
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    seq: Number(row.seq),
    eventId: String(row.event_id),
    type: row.type as ExchangeEventType,
    idNumber: String(row.id_number),
    occurredAt: new Date(row.occurred_at as string | Date),
    fields: (row.fields as string[] | null) ?? [],
  }));
}

// ── the outbox ──

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

// ── dead letters ──

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

// ── housekeeping ──

/**
 * Deletes delivered deliveries older than `before`, dead letters older than `deadBefore`, what a
 * disabled agency was still owed (never to be sent), and events older than `before` that nothing
 * still needs: no pending or dead delivery, and (when NATS publishing is on) already published.
 */
export async function sweepOutbox(
  db: Db,
  options: { before: Date; deadBefore: Date; keepUnpublished: boolean },
): Promise<void> {
  await db
    .deleteFrom('exchange.delivery')
    .where('status', '=', 'delivered')
    .where('delivered_at', '<', options.before)
    .execute();
  await db
    .deleteFrom('exchange.delivery')
    .where('status', '=', 'dead')
    .where('dead_at', '<', options.deadBefore)
    .execute();
  await sql`
    DELETE FROM exchange.delivery d USING exchange.agency a
    WHERE a.agency_id = d.agency_id AND a.disabled_at IS NOT NULL AND d.status = 'pending'`.execute(db);
  const published = options.keepUnpublished ? await readCursor(db, 'nats') : Number.MAX_SAFE_INTEGER;
  await sql`
    DELETE FROM exchange.event e
    WHERE e.occurred_at < ${options.before} AND e.seq <= ${published}
      AND NOT EXISTS (
        SELECT 1 FROM exchange.delivery d WHERE d.event_id = e.event_id AND d.status IN ('pending', 'dead'))`.execute(
    db,
  );
}
