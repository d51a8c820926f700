import { randomInt } from 'node:crypto';
import type { Sex } from '../person/person.schema.ts';
import { idProvinceCodes, isCountryCode } from './id-province-codes.ts';

/**
 * The 12-digit personal identification number: PPP G YY RRRRRR (DOMAIN.md).
 * PPP — province (or country) of birth registration; G — century and sex; YY — birth year;
 * RRRRRR — random, unique within PPPGYY. There is no check digit.
 */
export interface DecodedIdNumber {
  idNumber: string;
  provinceCode: string;
  /** Province name, or null for a country code (birth registered abroad). */
  provinceName: string | null;
  registeredAbroad: boolean;
  sex: Sex;
  birthYear: number;
  serial: string;
}

export type IdNumberProblem =
  | { reason: 'not_a_string' | 'wrong_length' | 'not_digits' | 'unknown_province'; message: string }
  | { reason: 'birth_year_in_future'; message: string };

export type DecodeResult = { ok: true; value: DecodedIdNumber } | { ok: false; problem: IdNumberProblem };

/** Decodes and validates an ID number; every invalid input gets a reason. `today` bounds the birth year. */
export function decodeIdNumber(input: unknown, today: Date = new Date()): DecodeResult {
  if (typeof input !== 'string') return fail('not_a_string', 'ID number must be a string of 12 digits');
  if (input.length !== 12)
    return fail('wrong_length', `ID number must have 12 digits, got ${input.length} characters`);
  if (!/^\d{12}$/.test(input)) return fail('not_digits', 'ID number must contain only the digits 0-9');
  const provinceCode = input.slice(0, 3);
  const province = idProvinceCodes.get(provinceCode);
  const abroad = isCountryCode(provinceCode);
  if (!province && !abroad)
    return fail('unknown_province', `${provinceCode} is not a province or country code`);
  const g = Number(input[3]);
  const yy = Number(input.slice(4, 6));
  const birthYear = (Math.floor(g / 2) + 19) * 100 + yy;
  if (birthYear > today.getUTCFullYear())
    return fail(
      'birth_year_in_future',
      `the century digit ${g} and year ${yy} give ${birthYear}, which is in the future`,
    );
  return {
    ok: true,
    value: {
      idNumber: input,
      provinceCode,
      provinceName: province?.name ?? null,
      registeredAbroad: abroad,
      sex: g % 2 === 0 ? 'male' : 'female',
      birthYear,
      serial: input.slice(6),
    },
  };
}

function fail(reason: IdNumberProblem['reason'], message: string): DecodeResult {
  return { ok: false, problem: { reason, message } as IdNumberProblem };
}

/** The century-and-sex digit G for a birth year and sex. Years 1900–2399 only. */
export function centurySexDigit(birthYear: number, sex: Sex): number {
  if (!Number.isInteger(birthYear) || birthYear < 1900 || birthYear > 2399)
    throw new RangeError(`birth year ${birthYear} is outside 1900–2399`);
  return (Math.floor(birthYear / 100) - 19) * 2 + (sex === 'female' ? 1 : 0);
}

/** The first six digits PPPGYY shared by everyone of one birth-registration province, sex and year. */
export function idNumberPrefix(provinceCode: string, birthYear: number, sex: Sex): string {
  if (!/^\d{3}$/.test(provinceCode)) throw new RangeError(`province code ${provinceCode} must have 3 digits`);
  return `${provinceCode}${centurySexDigit(birthYear, sex)}${String(birthYear % 100).padStart(2, '0')}`;
}

/** A candidate number with a random serial; the caller inserts it and retries on a clash. */
export function randomIdNumber(prefix: string): string {
  return `${prefix}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/**
 * A bijection of [0, 1 000 000) used by the seeder to give distinct, random-looking serials
 * without a lookup: n ↦ (a·n + b) mod 10^6 with a coprime to 10^6.
 */
export function permutedSerial(n: number, salt: number): string {
  const a = 738_181; // odd and not a multiple of 5, so coprime to 10^6
  const b = (salt * 7919) % 1_000_000;
  return String((((a * n) % 1_000_000) + b) % 1_000_000).padStart(6, '0');
}
