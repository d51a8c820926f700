import { z } from 'zod';
import type { DocumentKind } from '../agency/agency.schema.ts';
import { normaliseDate } from '../compare/field-compare.ts';

/**
 * Rules for document numbers that are uncertain or may change by regulation; the defaults follow
 * public descriptions and can be overridden by the deployment.
 */
export interface DocumentRules {
  /**
   * Check the tenth digit of a 10- or 13-digit tax code (weights 31, 29, 23, 19, 17, 13, 7, 5, 3
   * over the first nine digits, check = 10 − sum mod 11, as publicly described for the MST; not
   * from an official text, hence switchable).
   */
  taxCodeCheckDigit: boolean;
  /**
   * The object codes (first two letters) a health-insurance card may carry. Decision
   * 1351/QĐ-BHXH (2015) lists about fifty and they have changed since; null accepts any two
   * capital letters.
   */
  healthInsuranceObjectCodes: readonly string[] | null;
}

export const defaultDocumentRules: DocumentRules = {
  taxCodeCheckDigit: true,
  healthInsuranceObjectCodes: null,
};

/**
 * Driving-licence classes: those of the Law on Road Traffic Order and Safety 36/2024/QH15
 * (Art. 57, from 1 Jan 2025) and those of the Law on Road Traffic 2008 that licences issued
 * before stay in, since old licences remain valid until they expire.
 */
export const LicenceClass = z.enum([
  'A1',
  'A',
  'B1',
  'B',
  'C1',
  'C',
  'D1',
  'D2',
  'D',
  'BE',
  'C1E',
  'CE',
  'D1E',
  'D2E',
  'DE',
  // 2008 classes no longer issued
  'A2',
  'A3',
  'A4',
  'B2',
  'E',
  'FB2',
  'FC',
  'FD',
  'FE',
]);
export type LicenceClass = z.infer<typeof LicenceClass>;

const IsoDate = z.iso.date('a date as yyyy-mm-dd');
const Text = (max: number) => z.string().trim().min(1).max(max);
/** Upper case with spaces, dots and dashes removed: how numbers typed by people are compared. */
export const compactCode = (value: string) => value.toUpperCase().replace(/[\s.-]/g, '');

/**
 * A vehicle plate in compact form: a two-digit province code, a series of one or two letters
 * possibly followed by a digit (motorcycles: "59X1"), then four or five digits. Special series
 * (diplomatic "NG", military plates) are not accepted here — uncertain which agencies push them.
 */
const Plate = z
  .string()
  .max(20)
  .transform(compactCode)
  .pipe(z.string().regex(/^\d{2}[A-Z]{1,2}\d?\d{4,5}$/, 'a plate like 30A-123.45 or 59-X1 123.45'));

/**
 * A chassis number: a 17-character VIN (ISO 3779: no I, O or Q) for modern vehicles, otherwise
 * the maker's own 5–25 letters and digits (older and many two-wheeled vehicles).
 */
const ChassisNumber = z
  .string()
  .max(40)
  .transform(compactCode)
  .pipe(
    z
      .string()
      .regex(/^[A-Z0-9]{5,25}$/, '5 to 25 letters and digits')
      .refine((value) => value.length !== 17 || /^[A-HJ-NPR-Z0-9]{17}$/.test(value), {
        message: 'a 17-character VIN has no I, O or Q',
      }),
  );
const EngineNumber = z
  .string()
  .max(40)
  .transform(compactCode)
  .pipe(z.string().regex(/^[A-Z0-9]{4,25}$/, '4 to 25 letters and digits'));

/** The `data` each kind carries, beyond the number, issuer and validity every document has. */
export const documentData = {
  // Mã số BHXH: nothing beyond the number itself.
  socialInsuranceNumber: z.strictObject({}),
  healthInsuranceCard: z.strictObject({
    /** The facility for initial care (nơi đăng ký KCB ban đầu); its code is 5 digits (province + facility, uncertain). */
    primaryCareFacility: z
      .strictObject({
        code: z
          .string()
          .regex(/^\d{5}$/, '5 digits')
          .optional(),
        name: Text(300),
      })
      .optional(),
    /** Start of five consecutive years of cover, which raises the benefit. */
    fiveConsecutiveYearsFrom: IsoDate.optional(),
  }),
  taxCode: z.strictObject({
    /** The tax office managing the taxpayer. */
    taxOffice: Text(200).optional(),
  }),
  drivingLicence: z.strictObject({
    classes: z
      .array(
        z.strictObject({
          class: LicenceClass,
          validFrom: IsoDate.optional(),
          /** null: the class does not expire (A1, A, B1 under the 2024 law). */
          validUntil: IsoDate.nullable(),
        }),
      )
      .min(1)
      .max(LicenceClass.options.length)
      .refine((classes) => new Set(classes.map((entry) => entry.class)).size === classes.length, {
        message: 'each class at most once',
      }),
  }),
  vehicleRegistration: z.strictObject({
    plate: Plate,
    vehicleType: Text(100).optional(),
    make: Text(100),
    model: Text(100),
    colour: Text(50).optional(),
    chassisNumber: ChassisNumber,
    engineNumber: EngineNumber,
    firstRegisteredOn: IsoDate.optional(),
  }),
  vaccination: z.strictObject({
    vaccine: Text(200),
    disease: Text(200).optional(),
    doseNumber: z.number().int().min(1).max(20),
    administeredOn: IsoDate,
    lot: Text(50).optional(),
    place: Text(300),
  }),
  criminalRecordCertificate: z.strictObject({
    /** Phiếu lý lịch tư pháp số 1 (to the person or an agency) or số 2 (full record, to the person). */
    certificateType: z.union([z.literal(1), z.literal(2)]),
    /** Only whether the certificate records convictions; their details stay with the justice sector. */
    hasConvictions: z.boolean(),
  }),
} satisfies Record<DocumentKind, z.ZodType>;

export type DocumentData = { [K in DocumentKind]: z.infer<(typeof documentData)[K]> };

/**
 * Whether a kind's number identifies one document nationally, whoever pushes it, or only at its
 * source (a vaccination record id, a certificate number of one justice office).
 */
export const numberScope: Record<DocumentKind, 'national' | 'agency'> = {
  socialInsuranceNumber: 'national',
  healthInsuranceCard: 'national',
  taxCode: 'national',
  drivingLicence: 'national',
  vehicleRegistration: 'national',
  vaccination: 'agency',
  criminalRecordCertificate: 'agency',
};

export type NumberCheck = { number: string } | { error: string };

/** Check digit of a tax code's first nine digits, or undefined when none can be valid. */
export function taxCodeCheckDigit(nineDigits: string): string | undefined {
  const weights = [31, 29, 23, 19, 17, 13, 7, 5, 3];
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += weights[i]! * Number(nineDigits[i]);
  const check = 10 - (sum % 11);
  return check === 10 ? undefined : String(check);
}

const ownIdNumber = (number: string, holder: string, what: string): NumberCheck =>
  number === holder ? { number } : { error: `a 12-digit ${what} is the holder's own ID number` };

/**
 * Normalises a document's number to the form it is stored and compared in, or says why it is
 * not one. `holder` is the ID number the document is pushed for: since 2025 a person's ID number
 * also serves as their tax code (Circular 86/2024/TT-BTC, from 1 Jul 2025) and social-insurance
 * number (Law on Social Insurance 41/2024/QH15; DOMAIN.md: since Aug 2025).
 */
export function checkNumber(
  kind: DocumentKind,
  raw: string,
  holder: string,
  rules: DocumentRules = defaultDocumentRules,
): NumberCheck {
  if (raw.length > 64) return { error: 'at most 64 characters' };
  switch (kind) {
    case 'socialInsuranceNumber': {
      const number = raw.replace(/[\s.]/g, '');
      if (/^\d{12}$/.test(number)) return ownIdNumber(number, holder, 'social-insurance number');
      return /^\d{10}$/.test(number)
        ? { number }
        : { error: '10 digits, or the holder’s 12-digit ID number' };
    }
    case 'taxCode': {
      const number = raw.replace(/[\s.]/g, '');
      if (/^\d{12}$/.test(number)) return ownIdNumber(number, holder, 'tax code');
      const parts = /^(\d{10})-?(\d{3})?$/.exec(number);
      if (!parts?.[1]) return { error: '10 digits, 10 digits-3 digits, or the holder’s 12-digit ID number' };
      const [, main, branch] = parts;
      if (branch === '000') return { error: 'a dependent unit’s suffix runs from 001' };
      if (rules.taxCodeCheckDigit && taxCodeCheckDigit(main) !== main[9])
        return { error: 'the check digit (10th) does not match' };
      return { number: branch ? `${main}-${branch}` : main };
    }
    case 'healthInsuranceCard': {
      // Decision 1351/QĐ-BHXH: object code (2 letters), benefit level (1–5), province (2 digits),
      // the holder's 10-digit social-insurance number — 15 characters.
      const number = compactCode(raw);
      const parts = /^([A-Z]{2})([1-5])(\d{2})(\d{10})$/.exec(number);
      if (!parts?.[1])
        return {
          error: '15 characters: 2-letter object code, benefit level 1–5, 2-digit province, 10 digits',
        };
      if (rules.healthInsuranceObjectCodes && !rules.healthInsuranceObjectCodes.includes(parts[1]))
        return { error: `object code ${parts[1]} is not known` };
      return { number };
    }
    case 'drivingLicence': {
      // Licences issued since 2013 (PET cards) carry 12 digits; older paper ones are not accepted.
      const number = raw.replace(/[\s.-]/g, '');
      return /^\d{12}$/.test(number) ? { number } : { error: '12 digits' };
    }
    case 'vehicleRegistration': {
      // The registration certificate's number; its format varies by issuing office (uncertain).
      const number = compactCode(raw);
      return /^[A-Z0-9]{4,20}$/.test(number) ? { number } : { error: '4 to 20 letters and digits' };
    }
    case 'vaccination': {
      const number = raw.trim();
      return /^[A-Za-z0-9._:/-]{1,64}$/.test(number)
        ? { number }
        : { error: 'the source’s record id: letters, digits and . _ : / -' };
    }
    case 'criminalRecordCertificate': {
      const number = raw.trim().toUpperCase().replace(/\s+/g, '');
      return /^[A-Z0-9./-]{1,40}$/.test(number)
        ? { number }
        : { error: 'letters, digits and . / - (e.g. 123/2025/LLTP)' };
    }
  }
}

/** A holder's date of birth as agencies write it (yyyy-mm-dd, dd/mm/yyyy, ddmmyyyy). */
export const HolderDate = z
  .string()
  .max(20)
  .refine((value) => normaliseDate(value) !== undefined, { message: 'a date (yyyy-mm-dd or dd/mm/yyyy)' });

/** Dates inside a document's data that cannot precede the holder's birth. */
export function datesWithinLife(kind: DocumentKind, data: Record<string, unknown>): [string, string][] {
  if (kind === 'vaccination') return [['data.administeredOn', data.administeredOn as string]];
  if (kind === 'drivingLicence')
    return (data.classes as { class: string; validFrom?: string }[]).flatMap((entry, index) =>
      entry.validFrom ? ([[`data.classes.${index}.validFrom`, entry.validFrom]] as [string, string][]) : [],
    );
  return [];
}

/** Dates inside a document's data that cannot be in the future. */
export function datesNotInFuture(kind: DocumentKind, data: Record<string, unknown>): [string, string][] {
  if (kind === 'vaccination') return [['data.administeredOn', data.administeredOn as string]];
  if (kind === 'vehicleRegistration' && typeof data.firstRegisteredOn === 'string')
    return [['data.firstRegisteredOn', data.firstRegisteredOn]];
  return [];
}
