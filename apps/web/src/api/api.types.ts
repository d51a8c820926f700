/**
 * The registry API's shapes as the console reads them. They mirror
 * `packages/registry/src/person/person.schema.ts` as plain types, so reading a response costs
 * the bundle nothing; the forms that write validate with the registry's own browser-safe
 * schemas (`@dinhdanh/registry/schemas`, docs/adr/0010-package-subpath-exports.md).
 */

export type Sex = 'male' | 'female';
export type MaritalStatus = 'single' | 'married' | 'divorced' | 'widowed';

export const relationsToHead = [
  'head',
  'spouse',
  'child',
  'parent',
  'grandchild',
  'grandparent',
  'sibling',
  'child_in_law',
  'other_relative',
  'other',
] as const;
export type RelationToHead = (typeof relationsToHead)[number];

export interface Address {
  scheme: '2025' | 'pre2025';
  communeCode: string;
  communeName: string | null;
  provinceCode: string | null;
  provinceName: string | null;
  detail: string;
  /** One line for display: "detail, commune, province". */
  text: string;
}

export interface TemporaryResidence {
  address: Address;
  from: string;
  to: string | null;
}

export interface TemporaryAbsence {
  from: string;
  to: string | null;
  destination: string;
  reason: string;
}

/** A relative who may not be in the registry (a foreign parent). */
export interface Relative {
  fullName: string;
  idNumber: string | null;
  nationality: string | null;
}

export type RelativeRole = 'father' | 'mother' | 'spouse' | 'guardian' | 'legalRepresentative';
export const relativeRoles: readonly RelativeRole[] = [
  'father',
  'mother',
  'spouse',
  'guardian',
  'legalRepresentative',
];

export interface Person {
  idNumber: string;
  oldIdNumber: string | null;
  fullName: string;
  otherNames: string[];
  dateOfBirth: string;
  sex: Sex;
  placeOfBirth: string | null;
  birthRegistrationPlace: Address | null;
  placeOfOrigin: string | null;
  ethnicity: string | null;
  religion: string | null;
  nationality: string;
  bloodType: string | null;
  permanentAddress: Address | null;
  temporaryResidence: TemporaryResidence | null;
  currentResidence: Address | null;
  temporaryAbsence: TemporaryAbsence | null;
  residenceFileNumber: string | null;
  maritalStatus: MaritalStatus;
  householdId: string | null;
  relationToHead: RelationToHead | null;
  fatherIdNumber: string | null;
  motherIdNumber: string | null;
  spouseIdNumber: string | null;
  guardianIdNumber: string | null;
  legalRepresentativeIdNumber: string | null;
  relatives: Partial<Record<RelativeRole, Relative>>;
  dateOfDeath: string | null;
  missingSince: string | null;
  phone: string | null;
  email: string | null;
  biometrics: Record<string, unknown>;
  cards: Record<string, unknown>[];
  version: number;
}

export type PersonSummary = Pick<
  Person,
  'idNumber' | 'fullName' | 'dateOfBirth' | 'sex' | 'permanentAddress' | 'householdId' | 'dateOfDeath'
>;

export interface Relations extends Record<RelativeRole, PersonSummary | null> {
  children: PersonSummary[];
  /** Relatives recorded by name only (not in the registry, e.g. a foreign parent). */
  external?: Partial<Record<RelativeRole, Relative>>;
}

export interface HouseholdMember extends PersonSummary {
  relationToHead: string | null;
}

export interface Household {
  householdId: string;
  headIdNumber: string | null;
  address: Address;
  residenceFileNumber: string | null;
  members: HouseholdMember[];
}

export interface PersonEvent {
  version: number;
  type: string;
  effectiveDate: string | null;
  recordedAt: string;
  actor: string;
  actorUnit?: string | null;
  /** The officer's unit by name: a commune with its province, a province, or the country. */
  actorUnitName?: string | null;
  reason: string | null;
  legalBasis: string | null;
  /** A partial person state as recorded; addresses carry their units' names (`text`). */
  changes: Record<string, unknown>;
  previous?: Record<string, unknown> | null;
}

export interface PersonHistory {
  events: PersonEvent[];
}

export interface Province {
  code: string;
  name: string;
  fullName: string;
}

/** A supervisor may also read people's access logs. */
export type OfficerRole = 'officer' | 'supervisor';

export interface Me {
  officerId: string;
  unit: {
    code: string;
    name: string;
    level: 'province' | 'commune' | 'country';
    /** The 2025 province the unit lies in (null for the country). */
    provinceCode?: string | null;
  };
  role: OfficerRole;
}

export type ActorKind = 'officer' | 'citizen' | 'agency' | 'system';

/** One line of a person's access log (`packages/registry/src/audit/access-log.presenter.ts`). */
/** A recorded text split by language (`AccessLogItem` in packages/registry). */
export interface BilingualText {
  vi: string;
  en: string;
}

export interface AccessLogEntry {
  entryId: number;
  recordedAt: string;
  actor: {
    kind: ActorKind | (string & {});
    /** As recorded: an officer's code, an agency's or service's id, an account id, a system job. */
    id: string;
    unit: string | null;
    /** The agency's or service's registered name, the account holder's name; null for officers and the system. */
    name?: string | null;
    /** The officer's unit by name; null at national level. */
    unitName?: string | null;
    unitLevel?: 'country' | 'province' | 'commune' | null;
    /** The log's own subject acted. */
    self?: boolean;
  };
  /** e.g. `registry.person.read`; open-ended. */
  action: string;
  purpose: string | null;
  purposeText?: BilingualText | null;
  legalBasis: string | null;
  legalBasisText?: BilingualText | null;
  details: Record<string, unknown>;
  /** Position in the Merkle tree; null until the sequencer has sealed the entry. */
  leafIndex: number | null;
}

export interface AccessLog {
  items: AccessLogEntry[];
}

export interface PeopleSearch {
  fullName: string;
  dateOfBirth?: string;
  provinceCode?: string;
  limit?: number;
  /** Matches to skip: pages of `limit` within the first 10,000. */
  offset?: number;
}

/** One page of search results (`PeopleSearchResult` in packages/registry). */
export interface PeopleSearchPage {
  items: PersonSummary[];
  offset: number;
  limit: number;
  /** How many people match, counted up to 10,000. */
  total: number;
  /** More than `total` match: the count stopped at 10,000. */
  totalCapped: boolean;
}

/** RFC 9457 problem details as the platform renders them. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  messages?: { vi: string; en: string };
}
