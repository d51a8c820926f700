/**
 * The exchange administration API's shapes as the console reads them. The lists mirror the
 * enums of `packages/exchange/src/agency/agency.schema.ts`: the browser bundle does not import
 * server packages (see `api/api.types.ts`), so they are repeated here, in one place.
 */

export const exchangeScopes = [
  'exchange.verify',
  'exchange.lookup',
  'exchange.match',
  'exchange.enrich',
  'exchange.events',
] as const;
export type ExchangeScope = (typeof exchangeScopes)[number];

export const exchangeFields = [
  'idNumber',
  'oldIdNumber',
  'fullName',
  'otherNames',
  'dateOfBirth',
  'sex',
  'placeOfBirth',
  'placeOfOrigin',
  'ethnicity',
  'religion',
  'nationality',
  'bloodType',
  'permanentAddress',
  'temporaryResidence',
  'currentResidence',
  'maritalStatus',
  'householdId',
  'relationToHead',
  'father',
  'mother',
  'spouse',
  'alive',
  'dateOfDeath',
  'phone',
  'email',
  'card',
] as const;
export type ExchangeField = (typeof exchangeFields)[number];

export const exchangeEventTypes = [
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
export type ExchangeEventType = (typeof exchangeEventTypes)[number];

export const documentKinds = [
  'socialInsuranceNumber',
  'healthInsuranceCard',
  'taxCode',
  'drivingLicence',
  'vehicleRegistration',
  'vaccination',
  'criminalRecordCertificate',
] as const;
export type DocumentKind = (typeof documentKinds)[number];

/** The server's rule for a purpose code, e.g. `tax.registration`. */
export const purposeCodePattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/** Limits of `AgencyRegistration` on the server. */
export const registrationLimits = {
  nameMax: 200,
  purposesMax: 50,
  purposeCodeMax: 100,
  textMax: 500,
  rateMax: 100_000,
  quotaMax: 10_000_000_000,
  defaultRate: 200,
  defaultQuota: 10_000_000,
} as const;

export interface Purpose {
  code: string;
  description: string;
  /** Null: a lookup for this purpose needs the citizen's recorded consent. */
  legalBasis: string | null;
  fields: string[];
}

export interface Agency {
  /** Also the agency's OAuth `client_id`. */
  agencyId: string;
  name: string;
  scopes: string[];
  purposes: Purpose[];
  eventTypes: string[];
  documentKinds: string[];
  ratePerSecond: number;
  quotaPerDay: number;
  createdAt: string;
  disabled: boolean;
}

export interface AgencyRegistration {
  name: string;
  scopes: ExchangeScope[];
  purposes: Purpose[];
  eventTypes: ExchangeEventType[];
  documentKinds: DocumentKind[];
  ratePerSecond: number;
  quotaPerDay: number;
  jwks: { keys: unknown[] };
}

export interface UsageRow {
  agencyId: string;
  /** `YYYY-MM-DD`. */
  day: string;
  operation: string;
  count: number;
}

export const jobStatuses = ['uploading', 'queued', 'matching', 'done', 'failed'] as const;
export type JobStatus = (typeof jobStatuses)[number];

export interface MatchingJob {
  jobId: string;
  agencyId: string;
  purpose: string;
  status: JobStatus;
  recordsTotal: number;
  recordsDone: number;
  /** Outcome → records (matched, mismatched, notFound …); open-ended. */
  counts: Record<string, number>;
  createdAt: string;
  finishedAt: string | null;
}

export interface DeadLetter {
  deliveryId: string;
  agencyId: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  attempts: number;
  lastError: string | null;
  deadAt: string;
}
