import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';
import type { PersonState } from '../person/person.state.ts';

/**
 * The kinds of change other systems follow. Derived from a person event and the fields it
 * changed, so a follower does not need to understand every registry event type.
 */
export const registryChangeTypes = [
  'person.born',
  'person.died',
  'person.death_annulled',
  'person.name_changed',
  'person.residence_changed',
  'person.civil_status_changed',
  'person.corrected',
  'card.revoked',
  'card.reinstated',
] as const;
export type RegistryChangeType = (typeof registryChangeTypes)[number];

export interface RegistryChange {
  id: number;
  type: RegistryChangeType;
  idNumber: string;
  effectiveDate: string | null;
  recordedAt: Date;
  fields: string[];
}

const residenceFields = new Set<string>(['permanentAddress', 'temporaryResidence', 'currentResidence']);
const civilStatusFields = new Set<string>([
  'maritalStatus',
  'spouseIdNumber',
  'guardianIdNumber',
  'fatherIdNumber',
  'motherIdNumber',
]);

/** The change types one person event produces. */
export function changeTypesOf(
  eventType: string,
  changes: Partial<PersonState>,
  previous: Partial<PersonState>,
): RegistryChangeType[] {
  if (eventType === 'birth_registered') return ['person.born'];
  const types = new Set<RegistryChangeType>();
  const fields = Object.keys(changes);
  if ('dateOfDeath' in changes) {
    if (changes.dateOfDeath && !previous.dateOfDeath) types.add('person.died');
    if (!changes.dateOfDeath && previous.dateOfDeath) types.add('person.death_annulled');
  }
  if (fields.includes('fullName')) types.add('person.name_changed');
  if (fields.some((field) => residenceFields.has(field))) types.add('person.residence_changed');
  if (fields.some((field) => civilStatusFields.has(field))) types.add('person.civil_status_changed');
  if (eventType === 'field_corrected') types.add('person.corrected');
  return [...types];
}

/** Any constant works; it names "the registry change feed" among the platform's advisory locks. */
const CHANGE_FEED_LOCK = 7_231_006;

/**
 * Appends changes to the feed; call inside the transaction that records the event.
 * The transaction-scoped lock makes feed ids commit in id order: without it a follower could
 * read id 11, move its cursor, and never see id 10 committed a moment later. Civil events are
 * few (births and deaths, not lookups), so serialising their last step costs nothing measurable.
 */
export async function appendRegistryChanges(
  trx: Db,
  idNumber: string,
  types: readonly RegistryChangeType[],
  effectiveDate: string | null,
  fields: readonly string[],
): Promise<void> {
  if (types.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(${CHANGE_FEED_LOCK})`.execute(trx);
  await trx
    .insertInto('registry.change')
    .values(
      types.map((type) => ({
        type,
        id_number: idNumber,
        effective_date: effectiveDate,
        fields: [...fields],
      })),
    )
    .execute();
}

/** Changes after the cursor `after`, oldest first; ids become visible in order (see above). */
export async function readRegistryChanges(
  db: Db,
  options: { after: number; limit: number },
): Promise<RegistryChange[]> {
  const rows = await db
    .selectFrom('registry.change')
    .select(['id', 'type', 'id_number', 'effective_date', 'recorded_at', 'fields'])
    .where('id', '>', options.after)
    .orderBy('id')
    .limit(Math.max(1, Math.min(options.limit, 10_000)))
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    type: row.type as RegistryChangeType,
    idNumber: String(row.id_number),
    effectiveDate: row.effective_date === null ? null : String(row.effective_date),
    recordedAt: new Date(row.recorded_at as string | Date),
    fields: (row.fields as string[] | null) ?? [],
  }));
}
