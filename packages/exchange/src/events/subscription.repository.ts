// Subscriptions: which agency receives which event types, where, and their delivery health.
import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';
import type { ExchangeEventType } from '../agency/agency.schema.ts';

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

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
