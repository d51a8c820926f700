import { foldVietnamese } from '@dinhdanh/kernel';
import type { AddressInput, MaritalStatus, RelationToHead, Relative, Sex } from './person.schema.ts';

/**
 * A person's state as events build it. Addresses hold unit codes only; names are resolved on
 * read. `registry.person` is this state materialised; `registry.person_event.data.changes`
 * holds partial states that `applyChanges` folds in order.
 */
export interface PersonState {
  idNumber: string;
  oldIdNumber: string | null;
  fullName: string;
  otherNames: string[];
  dateOfBirth: string;
  sex: Sex;
  placeOfBirth: string | null;
  birthRegistrationPlace: AddressInput | null;
  placeOfOrigin: string | null;
  ethnicity: string | null;
  religion: string | null;
  nationality: string;
  bloodType: string | null;
  permanentAddress: AddressInput | null;
  temporaryResidence: { address: AddressInput; from: string; to: string | null } | null;
  currentResidence: AddressInput | null;
  temporaryAbsence: { from: string; to: string | null; destination: string; reason: string } | null;
  residenceFileNumber: string | null;
  maritalStatus: MaritalStatus;
  householdId: string | null;
  relationToHead: RelationToHead | null;
  fatherIdNumber: string | null;
  motherIdNumber: string | null;
  spouseIdNumber: string | null;
  guardianIdNumber: string | null;
  legalRepresentativeIdNumber: string | null;
  relatives: Partial<Record<'father' | 'mother' | 'spouse' | 'guardian' | 'legalRepresentative', Relative>>;
  dateOfDeath: string | null;
  missingSince: string | null;
  phone: string | null;
  email: string | null;
  biometrics: Record<string, unknown>;
  cards: Record<string, unknown>[];
}

export const emptyPersonState: Omit<PersonState, 'idNumber' | 'fullName' | 'dateOfBirth' | 'sex'> = {
  oldIdNumber: null,
  otherNames: [],
  placeOfBirth: null,
  birthRegistrationPlace: null,
  placeOfOrigin: null,
  ethnicity: null,
  religion: null,
  nationality: 'Việt Nam',
  bloodType: null,
  permanentAddress: null,
  temporaryResidence: null,
  currentResidence: null,
  temporaryAbsence: null,
  residenceFileNumber: null,
  maritalStatus: 'single',
  householdId: null,
  relationToHead: null,
  fatherIdNumber: null,
  motherIdNumber: null,
  spouseIdNumber: null,
  guardianIdNumber: null,
  legalRepresentativeIdNumber: null,
  relatives: {},
  dateOfDeath: null,
  missingSince: null,
  phone: null,
  email: null,
  biometrics: {},
  cards: [],
};

/** Folds one event's changes into a state. The first event must carry the identifying fields. */
export function applyChanges(state: PersonState | undefined, changes: Partial<PersonState>): PersonState {
  if (!state) {
    const { idNumber, fullName, dateOfBirth, sex } = changes;
    if (!idNumber || !fullName || !dateOfBirth || !sex)
      throw new Error('the first event must identify the person');
    return { ...emptyPersonState, ...changes, idNumber, fullName, dateOfBirth, sex };
  }
  return { ...state, ...changes };
}

/** Columns of registry.person written from a state, in COPY order. */
export const personColumns = [
  'id_number',
  'old_id_number',
  'full_name',
  'name_key',
  'other_names',
  'date_of_birth',
  'sex',
  'place_of_birth',
  'birth_registration_place',
  'place_of_origin',
  'ethnicity',
  'religion',
  'nationality',
  'blood_type',
  'permanent_address',
  'permanent_commune_code',
  'permanent_province_code',
  'temporary_residence',
  'current_residence',
  'temporary_absence',
  'residence_file_number',
  'marital_status',
  'household_id',
  'relation_to_head',
  'father_id_number',
  'mother_id_number',
  'spouse_id_number',
  'guardian_id_number',
  'legal_representative_id_number',
  'relatives',
  'date_of_death',
  'missing_since',
  'phone',
  'email',
  'biometrics',
  'cards',
  'version',
] as const;
export type PersonColumn = (typeof personColumns)[number];

/** PostgreSQL array literal for text[] (COPY and parameters). */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
}

/**
 * The registry.person row for a state. `provinceOf` gives the province code of a commune in a
 * scheme (the caller has the admin-unit table); JSON values are serialised.
 */
export function stateToRow(
  state: PersonState,
  version: number,
  provinceOf: (scheme: string, communeCode: string) => string | null,
): Record<PersonColumn, string | number | null> {
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  const permanent = state.permanentAddress;
  return {
    id_number: state.idNumber,
    old_id_number: state.oldIdNumber,
    full_name: state.fullName,
    name_key: foldVietnamese(state.fullName),
    other_names: textArrayLiteral(state.otherNames),
    date_of_birth: state.dateOfBirth,
    sex: state.sex,
    place_of_birth: state.placeOfBirth,
    birth_registration_place: json(state.birthRegistrationPlace),
    place_of_origin: state.placeOfOrigin,
    ethnicity: state.ethnicity,
    religion: state.religion,
    nationality: state.nationality,
    blood_type: state.bloodType,
    permanent_address: json(permanent),
    permanent_commune_code: permanent && permanent.scheme === '2025' ? permanent.communeCode : null,
    permanent_province_code: permanent ? provinceOf(permanent.scheme, permanent.communeCode) : null,
    temporary_residence: json(state.temporaryResidence),
    current_residence: json(state.currentResidence),
    temporary_absence: json(state.temporaryAbsence),
    residence_file_number: state.residenceFileNumber,
    marital_status: state.maritalStatus,
    household_id: state.householdId,
    relation_to_head: state.relationToHead,
    father_id_number: state.fatherIdNumber,
    mother_id_number: state.motherIdNumber,
    spouse_id_number: state.spouseIdNumber,
    guardian_id_number: state.guardianIdNumber,
    legal_representative_id_number: state.legalRepresentativeIdNumber,
    relatives: JSON.stringify(state.relatives),
    date_of_death: state.dateOfDeath,
    missing_since: state.missingSince,
    phone: state.phone,
    email: state.email,
    biometrics: JSON.stringify(state.biometrics),
    cards: JSON.stringify(state.cards),
    version,
  };
}

/** A registry.person row (as drivers return it) back to a state. */
export function rowToState(row: Record<string, unknown>): PersonState {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value).trimEnd());
  const parse = <T>(value: unknown, fallback: T): T =>
    value === null || value === undefined
      ? fallback
      : typeof value === 'string'
        ? (JSON.parse(value) as T)
        : (value as T);
  return {
    idNumber: String(row.id_number),
    oldIdNumber: text(row.old_id_number),
    fullName: String(row.full_name),
    otherNames: (row.other_names as string[] | null) ?? [],
    dateOfBirth: String(row.date_of_birth),
    sex: row.sex as Sex,
    placeOfBirth: text(row.place_of_birth),
    birthRegistrationPlace: parse(row.birth_registration_place, null),
    placeOfOrigin: text(row.place_of_origin),
    ethnicity: text(row.ethnicity),
    religion: text(row.religion),
    nationality: String(row.nationality),
    bloodType: text(row.blood_type),
    permanentAddress: parse(row.permanent_address, null),
    temporaryResidence: parse(row.temporary_residence, null),
    currentResidence: parse(row.current_residence, null),
    temporaryAbsence: parse(row.temporary_absence, null),
    residenceFileNumber: text(row.residence_file_number),
    maritalStatus: row.marital_status as MaritalStatus,
    householdId:
      row.household_id === null || row.household_id === undefined ? null : String(row.household_id),
    relationToHead: (row.relation_to_head as RelationToHead | null) ?? null,
    fatherIdNumber: text(row.father_id_number),
    motherIdNumber: text(row.mother_id_number),
    spouseIdNumber: text(row.spouse_id_number),
    guardianIdNumber: text(row.guardian_id_number),
    legalRepresentativeIdNumber: text(row.legal_representative_id_number),
    relatives: parse(row.relatives, {}),
    dateOfDeath: text(row.date_of_death),
    missingSince: text(row.missing_since),
    phone: text(row.phone),
    email: text(row.email),
    biometrics: parse(row.biometrics, {}),
    cards: parse(row.cards, []),
  };
}
