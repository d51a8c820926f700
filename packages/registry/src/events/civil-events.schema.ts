import { z } from 'zod';
import {
  AddressInput,
  IdNumberString,
  IsoDate,
  OldIdNumberString,
  RelationToHead,
  Relative,
  Sex,
} from '../person/person.schema.ts';

/** Why and on what legal basis a change is made: every event records it. */
export const Justification = z.object({
  reason: z.string().trim().max(500).optional(),
  legalBasis: z.string().trim().max(200).optional(),
});

const Name = z
  .string()
  .trim()
  .min(2)
  .max(100)
  .regex(/^[\p{L}\p{M}][\p{L}\p{M} '.-]*$/u, 'a name holds letters, spaces, apostrophes, dots and hyphens');

export const BirthRegistration = Justification.extend({
  fullName: Name,
  dateOfBirth: IsoDate,
  sex: Sex,
  placeOfBirth: z.string().trim().min(1).max(200),
  /** The 2025 commune where the birth is registered; decides the officer's competence and the ID province code. */
  registrationCommuneCode: z.string().regex(/^\d{5}$/),
  fatherIdNumber: IdNumberString.optional(),
  motherIdNumber: IdNumberString.optional(),
  /** Parents who are not in the registry (foreigners), as the law requires them recorded. */
  father: Relative.partial({ idNumber: true, nationality: true }).optional(),
  mother: Relative.partial({ idNumber: true, nationality: true }).optional(),
  ethnicity: z.string().trim().min(1).max(50).default('Kinh'),
  religion: z.string().trim().max(50).default('Không'),
  nationality: z.string().trim().min(1).max(50).default('Việt Nam'),
  placeOfOrigin: z.string().trim().max(200).optional(),
  /** Join this household (as child or grandchild of its head). Its address becomes the permanent address. */
  householdId: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  relationToHead: RelationToHead.exclude(['head']).default('child'),
  /** Permanent address when the child joins no household. */
  permanentAddress: AddressInput.optional(),
});
export type BirthRegistration = z.infer<typeof BirthRegistration>;

export const DeathRecord = Justification.extend({
  idNumber: IdNumberString,
  dateOfDeath: IsoDate,
  placeOfDeath: z.string().trim().max(200).optional(),
});
export type DeathRecord = z.infer<typeof DeathRecord>;

export const MarriageRegistration = Justification.extend({
  partyA: IdNumberString,
  partyB: IdNumberString,
  marriageDate: IsoDate,
});
export type MarriageRegistration = z.infer<typeof MarriageRegistration>;

export const DivorceRecord = Justification.extend({
  partyA: IdNumberString,
  partyB: IdNumberString,
  divorceDate: IsoDate,
});
export type DivorceRecord = z.infer<typeof DivorceRecord>;

/**
 * Fields a correction (điều chỉnh thông tin) may change, each with its own validation. The ID
 * number, sex (encoded in the ID number), civil status and household links change only through
 * their own procedures.
 */
export const correctableFields = {
  fullName: Name,
  otherNames: z.array(Name).max(5),
  dateOfBirth: IsoDate,
  placeOfBirth: z.string().trim().min(1).max(200),
  placeOfOrigin: z.string().trim().min(1).max(200),
  ethnicity: z.string().trim().min(1).max(50),
  religion: z.string().trim().min(1).max(50),
  nationality: z.string().trim().min(1).max(50),
  bloodType: z.enum(['A', 'B', 'AB', 'O', 'A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-']),
  oldIdNumber: OldIdNumberString,
  phone: z.string().regex(/^(\+84|0)\d{9,10}$/),
  email: z.email().max(200),
  permanentAddress: AddressInput,
  currentResidence: AddressInput,
} as const;
export type CorrectableField = keyof typeof correctableFields;

export const Correction = Justification.extend({
  field: z.string(),
  value: z.unknown(),
});
export type Correction = z.infer<typeof Correction>;

/** Đăng ký giám hộ / legal representation: links a ward to a guardian or representative. */
export const GuardianshipRegistration = Justification.extend({
  wardIdNumber: IdNumberString,
  guardianIdNumber: IdNumberString,
  kind: z.enum(['guardian', 'legalRepresentative']).default('guardian'),
  startDate: IsoDate,
});
export type GuardianshipRegistration = z.infer<typeof GuardianshipRegistration>;

/**
 * Đăng ký nhận cha, mẹ, con (Luật Hộ tịch 60/2014, Art. 24–25): links a child already in the
 * registry to a parent already in the registry, where the child's record has no such parent yet.
 */
export const ParentageRegistration = Justification.extend({
  childIdNumber: IdNumberString,
  parentIdNumber: IdNumberString,
  role: z.enum(['father', 'mother']),
  recognitionDate: IsoDate,
});
export type ParentageRegistration = z.infer<typeof ParentageRegistration>;
