import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';
import { type PersonColumn, type PersonState, personColumns, rowToState } from './person.state.ts';

/** All SQL touching registry.person and registry.person_event. */

export interface PersonEventRow {
  idNumber: string;
  version: number;
  type: string;
  effectiveDate: string | null;
  recordedAt: Date;
  actor: string;
  actorUnit: string | null;
  reason: string | null;
  legalBasis: string | null;
  data: { changes: Partial<PersonState>; previous?: Partial<PersonState>; [key: string]: unknown };
}

const summaryColumns = [
  'id_number',
  'full_name',
  'date_of_birth',
  'sex',
  'permanent_address',
  'household_id',
  'date_of_death',
  'relation_to_head',
] as const;

export async function findPersonRow(
  db: Db,
  idNumber: string,
  options: { forUpdate?: boolean } = {},
): Promise<{ state: PersonState; version: number } | undefined> {
  let query = db.selectFrom('registry.person').selectAll().where('id_number', '=', idNumber);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? { state: rowToState(row), version: Number(row.version) } : undefined;
}

export async function insertPersonRow(
  db: Db,
  row: Record<PersonColumn, string | number | null>,
): Promise<void> {
  await db.insertInto('registry.person').values(row).execute();
}

export async function updatePersonRow(
  db: Db,
  row: Record<PersonColumn, string | number | null>,
): Promise<void> {
  const { id_number, ...rest } = row;
  await db
    .updateTable('registry.person')
    .set({ ...rest, updated_at: sql`now()` })
    .where('id_number', '=', id_number)
    .execute();
}

/** Inserts an ID number's person row if the number is free; false when it is taken. */
export async function tryInsertPersonRow(
  db: Db,
  row: Record<PersonColumn, string | number | null>,
): Promise<boolean> {
  const result = await db
    .insertInto('registry.person')
    .values(row)
    .onConflict((oc) => oc.column('id_number').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function insertPersonEvent(
  db: Db,
  event: Omit<PersonEventRow, 'recordedAt'> & { recordedAt?: Date },
) {
  await db
    .insertInto('registry.person_event')
    .values({
      id_number: event.idNumber,
      version: event.version,
      type: event.type,
      effective_date: event.effectiveDate,
      ...(event.recordedAt ? { recorded_at: event.recordedAt } : {}),
      actor: event.actor,
      actor_unit: event.actorUnit,
      reason: event.reason,
      legal_basis: event.legalBasis,
      data: JSON.stringify(event.data),
    })
    .execute();
}

export async function listPersonEvents(db: Db, idNumber: string, asOf?: string): Promise<PersonEventRow[]> {
  let query = db
    .selectFrom('registry.person_event')
    .selectAll()
    .where('id_number', '=', idNumber)
    .orderBy('version');
  if (asOf)
    query = query.where(
      sql`coalesce(effective_date, (recorded_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)`,
      '<=',
      asOf,
    );
  const rows = await query.execute();
  return rows.map((row) => ({
    idNumber: String(row.id_number),
    version: Number(row.version),
    type: String(row.type),
    effectiveDate: row.effective_date ?? null,
    recordedAt: new Date(row.recorded_at),
    actor: String(row.actor),
    actorUnit: row.actor_unit ?? null,
    reason: row.reason ?? null,
    legalBasis: row.legal_basis ?? null,
    data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
  }));
}

export type SummaryRow = Record<(typeof summaryColumns)[number], unknown>;

export async function findSummaries(db: Db, idNumbers: readonly string[]): Promise<SummaryRow[]> {
  if (idNumbers.length === 0) return [];
  return db
    .selectFrom('registry.person')
    .select(summaryColumns)
    .where('id_number', 'in', idNumbers)
    .execute();
}

export async function findChildren(db: Db, idNumber: string): Promise<SummaryRow[]> {
  return db
    .selectFrom('registry.person')
    .select(summaryColumns)
    .where((eb) => eb.or([eb('father_id_number', '=', idNumber), eb('mother_id_number', '=', idNumber)]))
    .orderBy('date_of_birth')
    .limit(100)
    .execute();
}

/** People whose registered guardian or legal representative is `idNumber` (indexed, migration 0003). */
export async function findWards(db: Db, idNumber: string): Promise<SummaryRow[]> {
  return db
    .selectFrom('registry.person')
    .select(summaryColumns)
    .where((eb) =>
      eb.or([eb('guardian_id_number', '=', idNumber), eb('legal_representative_id_number', '=', idNumber)]),
    )
    .orderBy('date_of_birth')
    .limit(100)
    .execute();
}

export async function findHouseholdMembers(db: Db, householdId: string): Promise<SummaryRow[]> {
  return db
    .selectFrom('registry.person')
    .select(summaryColumns)
    .where('household_id', '=', householdId)
    .orderBy('date_of_birth')
    .limit(500)
    .execute();
}

export interface PeopleMatch {
  nameKey: string;
  dateOfBirth?: string | undefined;
  provinceCode?: string | undefined;
}

/** The people whose folded name starts with `nameKey`, optionally born on a date and living in a province. */
function matching(db: Db, query: PeopleMatch) {
  const pattern = `${query.nameKey.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  let select = db.selectFrom('registry.person').where('name_key', 'like', pattern);
  if (query.dateOfBirth) select = select.where('date_of_birth', '=', query.dateOfBirth);
  if (query.provinceCode) select = select.where('permanent_province_code', '=', query.provinceCode);
  return select;
}

/**
 * A page of the people matching a name (folded, prefix), in name order. Exact name matches come
 * first without a sort key of their own: `name_key` is `COLLATE "C"`, where a string sorts before
 * every longer string it prefixes, so the order follows the (name_key, date_of_birth) index and a
 * page reads only the rows up to its end.
 */
export async function searchPeople(
  db: Db,
  query: PeopleMatch & { limit: number; offset?: number | undefined },
): Promise<SummaryRow[]> {
  return matching(db, query)
    .select(summaryColumns)
    .orderBy('name_key')
    .orderBy('date_of_birth')
    .orderBy('id_number')
    .limit(query.limit)
    .offset(query.offset ?? 0)
    .execute();
}

/** How many people match, counting no further than `cap + 1` rows (so a common name costs no more). */
export async function countPeopleMatching(db: Db, query: PeopleMatch, cap: number): Promise<number> {
  const row = await db
    .selectFrom(
      matching(db, query)
        .select(sql<number>`1`.as('one'))
        .limit(cap + 1)
        .as('m'),
    )
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A page of people in ID order (keyset pagination), optionally within one 2025 province. */
export async function listPeoplePage(
  db: Db,
  options: { provinceCode?: string | undefined; after?: string | undefined; limit: number },
): Promise<Record<string, unknown>[]> {
  let select = db.selectFrom('registry.person').selectAll().orderBy('id_number').limit(options.limit);
  if (options.provinceCode) select = select.where('permanent_province_code', '=', options.provinceCode);
  if (options.after) select = select.where('id_number', '>', options.after);
  return select.execute();
}

export { personColumns };
