import { z } from 'zod';

/** A civil date, `YYYY-MM-DD`, that really exists on the calendar. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'not a calendar date');

export const IdNumberString = z.string().regex(/^\d{12}$/, 'expected 12 digits');
export const OldIdNumberString = z.string().regex(/^\d{9}$/, 'expected 9 digits');

export const Sex = z.enum(['male', 'female']);
export type Sex = z.infer<typeof Sex>;

export const MaritalStatus = z.enum(['single', 'married', 'divorced', 'widowed']);
export type MaritalStatus = z.infer<typeof MaritalStatus>;

/** Relation to the household head (quan hệ với chủ hộ). */
export const RelationToHead = z.enum([
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
]);
export type RelationToHead = z.infer<typeof RelationToHead>;

/**
 * An address as stored: a unit code (2025 commune, or a pre-2025 ward for records made before
 * the reform) and the house-level detail. Unit names are resolved when read, so a renamed
 * unit shows its current name.
 */
export const AddressInput = z.object({
  scheme: z.enum(['2025', 'pre2025']).default('2025'),
  communeCode: z.string().regex(/^\d{5}$/),
  detail: z.string().trim().max(200).default(''),
});
export type AddressInput = z.infer<typeof AddressInput>;

export const Address = z.object({
  scheme: z.enum(['2025', 'pre2025']),
  communeCode: z.string(),
  communeName: z.string().nullable(),
  provinceCode: z.string().nullable(),
  provinceName: z.string().nullable(),
  detail: z.string(),
  /** One line for display: "detail, commune, province". */
  text: z.string(),
});
export type Address = z.infer<typeof Address>;

export const TemporaryResidence = z.object({
  address: Address,
  from: IsoDate,
  to: IsoDate.nullable(),
});
export const TemporaryAbsence = z.object({
  from: IsoDate,
  to: IsoDate.nullable(),
  destination: z.string(),
  reason: z.string(),
});

/** A relative who may not be in the registry (a foreign parent): what the law requires to hold. */
export const Relative = z.object({
  fullName: z.string(),
  idNumber: z.string().nullable(),
  nationality: z.string().nullable(),
});
export type Relative = z.infer<typeof Relative>;

export const Relatives = z.object({
  father: Relative.optional(),
  mother: Relative.optional(),
  spouse: Relative.optional(),
  guardian: Relative.optional(),
  legalRepresentative: Relative.optional(),
});

/** Biometric references only: template hashes and object-store keys, never raw biometrics. */
export const BiometricReferences = z.object({
  face: z.object({ templateHash: z.string(), imageKey: z.string() }).optional(),
  fingerprints: z.object({ templateHash: z.string(), enrolledAt: z.string() }).optional(),
  iris: z.object({ templateHash: z.string() }).optional(),
});

/** The person as the API, the CLI's --json and the web app see them. Field names are stable. */
export const Person = z.object({
  idNumber: z.string(),
  oldIdNumber: z.string().nullable(),
  fullName: z.string(),
  otherNames: z.array(z.string()),
  dateOfBirth: z.string(),
  sex: Sex,
  placeOfBirth: z.string().nullable(),
  birthRegistrationPlace: Address.nullable(),
  placeOfOrigin: z.string().nullable(),
  ethnicity: z.string().nullable(),
  religion: z.string().nullable(),
  nationality: z.string(),
  bloodType: z.string().nullable(),
  permanentAddress: Address.nullable(),
  temporaryResidence: TemporaryResidence.nullable(),
  currentResidence: Address.nullable(),
  temporaryAbsence: TemporaryAbsence.nullable(),
  residenceFileNumber: z.string().nullable(),
  maritalStatus: MaritalStatus,
  householdId: z.string().nullable(),
  relationToHead: RelationToHead.nullable(),
  fatherIdNumber: z.string().nullable(),
  motherIdNumber: z.string().nullable(),
  spouseIdNumber: z.string().nullable(),
  guardianIdNumber: z.string().nullable(),
  legalRepresentativeIdNumber: z.string().nullable(),
  relatives: Relatives,
  dateOfDeath: z.string().nullable(),
  missingSince: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  biometrics: BiometricReferences,
  cards: z.array(z.record(z.string(), z.unknown())),
  version: z.number().int(),
});
export type Person = z.infer<typeof Person>;

/** A short form for search results and lists. */
export const PersonSummary = Person.pick({
  idNumber: true,
  fullName: true,
  dateOfBirth: true,
  sex: true,
  permanentAddress: true,
  householdId: true,
  dateOfDeath: true,
});
export type PersonSummary = z.infer<typeof PersonSummary>;

/**
 * How far search results can be paged, and where their count stops. Beyond it an officer narrows
 * the search (date of birth, province) rather than pages on; a capped count keeps a common name
 * as cheap as a rare one.
 */
export const SEARCH_WINDOW = 10_000;

/** A search by name (diacritics and case ignored, prefix), sent in a POST body, never in a URL. */
export const PeopleSearchRequest = z.object({
  fullName: z.string().min(1).max(100),
  dateOfBirth: IsoDate.optional(),
  provinceCode: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
  limit: z.number().int().min(1).max(200).optional(),
  /** How many matches to skip (pages of `limit`), within the first SEARCH_WINDOW. */
  offset: z.number().int().min(0).max(SEARCH_WINDOW).optional(),
});
export type PeopleSearchRequest = z.infer<typeof PeopleSearchRequest>;

/** One page of search results and how many people match in all. */
export const PeopleSearchResult = z.object({
  items: z.array(PersonSummary),
  offset: z.number().int(),
  limit: z.number().int(),
  /** How many people match, up to SEARCH_WINDOW. */
  total: z.number().int(),
  /** True when more than `total` people match: the count stopped at SEARCH_WINDOW. */
  totalCapped: z.boolean(),
});
export type PeopleSearchResult = z.infer<typeof PeopleSearchResult>;
