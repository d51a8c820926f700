import type { AdminUnits } from '../admin-unit/admin-units.ts';
import type { SummaryRow } from './person.repository.ts';
import type { Person, PersonSummary, RelationToHead } from './person.schema.ts';
import type { PersonState } from './person.state.ts';

/** The API/CLI form of a state: addresses with unit names resolved (as of `date`, default now). */
export function presentPerson(state: PersonState, version: number, units: AdminUnits, date?: string): Person {
  const resolve = (address: PersonState['permanentAddress']) =>
    address ? units.resolve(address, date) : null;
  return {
    ...state,
    birthRegistrationPlace: resolve(state.birthRegistrationPlace),
    permanentAddress: resolve(state.permanentAddress),
    currentResidence: resolve(state.currentResidence),
    temporaryResidence: state.temporaryResidence
      ? { ...state.temporaryResidence, address: units.resolve(state.temporaryResidence.address, date) }
      : null,
    biometrics: state.biometrics as Person['biometrics'],
    version,
  };
}

const addressFields = ['birthRegistrationPlace', 'permanentAddress', 'currentResidence'] as const;

function isAddressInput(value: unknown): value is Parameters<AdminUnits['resolve']>[0] {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { communeCode?: unknown }).communeCode === 'string' &&
    typeof (value as { detail?: unknown }).detail === 'string'
  );
}

/**
 * An event's changed (or previous) values as the history shows them: addresses carry the names
 * of their units (current names, as on the person), not only a commune code.
 */
export function presentChanges(values: Record<string, unknown>, units: AdminUnits): Record<string, unknown> {
  const presented = { ...values };
  const resolve = (value: unknown) =>
    isAddressInput(value) ? units.resolve({ ...value, scheme: value.scheme ?? '2025' }) : value;
  for (const field of addressFields) if (field in presented) presented[field] = resolve(presented[field]);
  const temporary = presented.temporaryResidence;
  if (typeof temporary === 'object' && temporary !== null && 'address' in temporary)
    presented.temporaryResidence = { ...temporary, address: resolve(temporary.address) };
  return presented;
}

export function presentSummary(
  row: SummaryRow,
  units: AdminUnits,
): PersonSummary & { relationToHead: RelationToHead | null } {
  const address =
    typeof row.permanent_address === 'string' ? JSON.parse(row.permanent_address) : row.permanent_address;
  return {
    idNumber: String(row.id_number),
    fullName: String(row.full_name),
    dateOfBirth: String(row.date_of_birth),
    sex: row.sex as PersonSummary['sex'],
    permanentAddress: address ? units.resolve(address) : null,
    householdId:
      row.household_id === null || row.household_id === undefined ? null : String(row.household_id),
    dateOfDeath: (row.date_of_death as string | null) ?? null,
    relationToHead: (row.relation_to_head as RelationToHead | null) ?? null,
  };
}
