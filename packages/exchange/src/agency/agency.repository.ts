import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';
import type { Agency } from './agency.schema.ts';

interface AgencyRow {
  agency_id: string;
  name: string;
  scopes: string[];
  purposes: unknown;
  event_types: string[];
  document_kinds: string[];
  rate_per_second: number;
  quota_per_day: string | number;
  created_at: Date | string;
  disabled_at: Date | string | null;
}

const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

const fromRow = (row: AgencyRow): Agency => ({
  agencyId: row.agency_id,
  clientId: row.agency_id,
  name: row.name,
  scopes: row.scopes as Agency['scopes'],
  purposes: json(row.purposes) as Agency['purposes'],
  eventTypes: row.event_types as Agency['eventTypes'],
  documentKinds: row.document_kinds as Agency['documentKinds'],
  ratePerSecond: Number(row.rate_per_second),
  quotaPerDay: Number(row.quota_per_day),
  createdAt: new Date(row.created_at).toISOString(),
  disabled: row.disabled_at !== null,
});

export async function insertAgency(db: Db, agency: Omit<Agency, 'disabled' | 'clientId'>): Promise<void> {
  await db
    .insertInto('exchange.agency')
    .values({
      agency_id: agency.agencyId,
      name: agency.name,
      scopes: agency.scopes,
      purposes: JSON.stringify(agency.purposes),
      event_types: agency.eventTypes,
      document_kinds: agency.documentKinds,
      rate_per_second: agency.ratePerSecond,
      quota_per_day: agency.quotaPerDay,
      created_at: agency.createdAt,
    })
    .execute();
}

export async function findAgencyRow(db: Db, agencyId: string): Promise<Agency | undefined> {
  const row = await db
    .selectFrom('exchange.agency')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .executeTakeFirst();
  return row ? fromRow(row as AgencyRow) : undefined;
}

export async function listAgencyRows(db: Db): Promise<Agency[]> {
  const rows = await db
    .selectFrom('exchange.agency')
    .selectAll()
    .orderBy('created_at')
    .orderBy('agency_id')
    .execute();
  return rows.map((row) => fromRow(row as AgencyRow));
}

export async function disableAgencyRow(db: Db, agencyId: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('exchange.agency')
    .set({ disabled_at: at })
    .where('agency_id', '=', agencyId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Adds counted records to the day's usage of each (agency, operation). */
export async function addUsage(
  db: Db,
  day: string,
  counts: readonly { agencyId: string; operation: string; count: number }[],
): Promise<void> {
  if (counts.length === 0) return;
  await sql`
    INSERT INTO exchange.usage (agency_id, day, operation, count)
    SELECT * FROM unnest(${counts.map((c) => c.agencyId)}::text[], ${counts.map(() => day)}::date[],
                         ${counts.map((c) => c.operation)}::text[], ${counts.map((c) => c.count)}::bigint[])
    ON CONFLICT (agency_id, day, operation) DO UPDATE SET count = exchange.usage.count + excluded.count`.execute(
    db,
  );
}

/** Records counted for an agency on a day, over all operations. */
export async function usageOn(db: Db, agencyId: string, day: string): Promise<number> {
  const { rows } = await sql<{ total: string | null }>`
    SELECT sum(count) AS total FROM exchange.usage WHERE agency_id = ${agencyId} AND day = ${day}::date`.execute(
    db,
  );
  return Number(rows[0]?.total ?? 0);
}

export interface UsageRow {
  agencyId: string;
  day: string;
  operation: string;
  count: number;
}

/** Usage per day and operation, newest first, optionally of one agency. */
export async function listUsage(
  db: Db,
  options: { agencyId?: string; days: number; today: string },
): Promise<UsageRow[]> {
  const { rows } = await sql<{ agency_id: string; day: Date | string; operation: string; count: string }>`
    SELECT agency_id, day, operation, count FROM exchange.usage
    WHERE day > ${options.today}::date - ${options.days}::int
      AND (${options.agencyId ?? null}::text IS NULL OR agency_id = ${options.agencyId ?? null})
    ORDER BY day DESC, agency_id, operation`.execute(db);
  return rows.map((row) => ({
    agencyId: row.agency_id,
    day: typeof row.day === 'string' ? row.day.slice(0, 10) : row.day.toISOString().slice(0, 10),
    operation: row.operation,
    count: Number(row.count),
  }));
}
