import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';
import type { AddressInput } from '../person/person.schema.ts';

export interface HouseholdRow {
  householdId: string;
  headIdNumber: string | null;
  communeCode: string;
  provinceCode: string;
  address: AddressInput;
  residenceFileNumber: string | null;
  version: number;
}

export async function findHousehold(db: Db, householdId: string, options: { forUpdate?: boolean } = {}) {
  let query = db.selectFrom('registry.household').selectAll().where('household_id', '=', householdId);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  return {
    householdId: String(row.household_id),
    headIdNumber: row.head_id_number ? String(row.head_id_number) : null,
    communeCode: String(row.commune_code),
    provinceCode: String(row.province_code),
    address: typeof row.address === 'string' ? JSON.parse(row.address) : row.address,
    residenceFileNumber: row.residence_file_number ?? null,
    version: Number(row.version),
  } satisfies HouseholdRow;
}

/** Appends a household event and bumps the version; the caller holds the row lock. */
export async function appendHouseholdEvent(
  db: Db,
  household: HouseholdRow,
  event: { type: string; actor: string; reason: string | null; legalBasis: string | null; data: unknown },
): Promise<number> {
  const version = household.version + 1;
  await db
    .insertInto('registry.household_event')
    .values({
      household_id: household.householdId,
      version,
      type: event.type,
      actor: event.actor,
      reason: event.reason,
      legal_basis: event.legalBasis,
      data: JSON.stringify(event.data),
    })
    .execute();
  await db
    .updateTable('registry.household')
    .set({ version, updated_at: sql`now()` })
    .where('household_id', '=', household.householdId)
    .execute();
  household.version = version;
  return version;
}

export async function listHouseholdEvents(db: Db, householdId: string) {
  const rows = await db
    .selectFrom('registry.household_event')
    .selectAll()
    .where('household_id', '=', householdId)
    .orderBy('version')
    .execute();
  return rows.map((row) => ({
    version: Number(row.version),
    type: String(row.type),
    recordedAt: new Date(row.recorded_at).toISOString(),
    actor: String(row.actor),
    reason: row.reason ?? null,
    legalBasis: row.legal_basis ?? null,
    data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, unknown>,
  }));
}
