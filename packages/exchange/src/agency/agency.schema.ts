import { z } from 'zod';

/** The OAuth scopes an agency may hold; each guards one family of exchange APIs. */
export const ExchangeScope = z.enum([
  'exchange.verify',
  'exchange.lookup',
  'exchange.match',
  'exchange.enrich',
  'exchange.events',
]);
export type ExchangeScope = z.infer<typeof ExchangeScope>;
export const exchangeScopes: readonly ExchangeScope[] = ExchangeScope.options;

/**
 * The registry fields a purpose may release to an agency (field-level policy). Names follow the
 * registry's Person; `father`/`mother`/`spouse` are the relatives' name and ID number, `alive`
 * is derived, `card` the current card's number, issue and expiry dates.
 */
export const ExchangeField = z.enum([
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
]);
export type ExchangeField = z.infer<typeof ExchangeField>;
export const exchangeFields: readonly ExchangeField[] = ExchangeField.options;

/** Change-event types an agency may subscribe to (a subset of the registry's change feed). */
export const ExchangeEventType = z.enum([
  'person.born',
  'person.died',
  'person.death_annulled',
  'person.name_changed',
  'person.residence_changed',
  'person.civil_status_changed',
  'person.corrected',
  'card.revoked',
  'card.reinstated',
]);
export type ExchangeEventType = z.infer<typeof ExchangeEventType>;

/** Sectoral documents an agency may push about people (enrichment), DOMAIN.md glossary names. */
export const DocumentKind = z.enum([
  'socialInsuranceNumber',
  'healthInsuranceCard',
  'taxCode',
  'drivingLicence',
  'vehicleRegistration',
  'vaccination',
  'criminalRecordCertificate',
]);
export type DocumentKind = z.infer<typeof DocumentKind>;

const PurposeCode = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'a purpose code looks like "tax.registration"')
  .max(100);

/**
 * A purpose an agency may invoke, with its legal basis and the fields it may receive. Without a
 * legal basis a lookup needs the citizen's recorded consent for this agency and purpose.
 */
export const Purpose = z.object({
  code: PurposeCode,
  description: z.string().trim().min(1).max(500),
  legalBasis: z.string().trim().min(1).max(500).nullable(),
  fields: z.array(ExchangeField).max(exchangeFields.length),
});
export type Purpose = z.infer<typeof Purpose>;

export const AgencyRegistration = z.object({
  name: z.string().trim().min(1).max(200),
  scopes: z.array(ExchangeScope).min(1),
  purposes: z.array(Purpose).min(1).max(50),
  eventTypes: z.array(ExchangeEventType).default([]),
  documentKinds: z.array(DocumentKind).default([]),
  /** Sustained requests per second (a burst of twice this is allowed). */
  ratePerSecond: z.number().int().min(1).max(100_000).default(200),
  /** Records per day over all operations (a batch of 1,000 counts 1,000). */
  quotaPerDay: z.number().int().min(1).max(10_000_000_000).default(10_000_000),
});
export type AgencyRegistration = z.input<typeof AgencyRegistration>;

export const Agency = z.object({
  agencyId: z.string(),
  /** The agency's OAuth `client_id` at the provider: the same value as `agencyId`. */
  clientId: z.string(),
  name: z.string(),
  scopes: z.array(ExchangeScope),
  purposes: z.array(Purpose),
  eventTypes: z.array(ExchangeEventType),
  documentKinds: z.array(DocumentKind),
  ratePerSecond: z.number().int(),
  quotaPerDay: z.number().int(),
  createdAt: z.string(),
  disabled: z.boolean(),
});
export type Agency = z.infer<typeof Agency>;
