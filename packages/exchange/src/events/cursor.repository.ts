// The feed's cursors (follower and NATS publisher) and the recorded events they move over.
import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';
import type { ExchangeEventType } from '../agency/agency.schema.ts';

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
