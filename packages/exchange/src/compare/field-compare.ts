import { foldVietnamese } from '@dinhdanh/kernel';
import { z } from 'zod';

/**
 * Fields an agency can ask to be checked against the registry (verification and bulk matching).
 * Each must also be in the fields of the purpose the call names: a match/mismatch answer tells
 * something about the value, so it is held to the same field policy as a lookup.
 */
export const ComparableField = z.enum([
  'fullName',
  'dateOfBirth',
  'sex',
  'oldIdNumber',
  'permanentAddress',
  'currentResidence',
  'placeOfOrigin',
  'placeOfBirth',
  'nationality',
  'ethnicity',
  'religion',
  'phone',
  'email',
  'father',
  'mother',
  'spouse',
]);
export type ComparableField = z.infer<typeof ComparableField>;
export const comparableFields: readonly ComparableField[] = ComparableField.options;

/** The registry's side of a comparison: one person's values, flattened to text. */
export type RegistryValues = Partial<Record<ComparableField, string | null>> & {
  /** Other names the person is known by; a full name matching one of them matches. */
  otherNames?: readonly string[];
};

export type FieldOutcome = 'match' | 'mismatch';

const letters = (folded: string) => folded.replace(/[^a-z0-9]/g, '').length;

/** Optimal-string-alignment distance (Damerau–Levenshtein without repeated edits), capped. */
export function editDistance(a: string, b: string, cap = 2): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > cap) return cap + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The name rule. Both names are folded (Unicode NFD, diacritics and đ removed, lower case,
 * whitespace collapsed, punctuation dropped), because many agencies' systems hold names without
 * diacritics. They match when the folded forms are equal, or — for names of at least 8 letters
 * with the same number of words — when one typing slip separates them (one letter inserted,
 * deleted, replaced, or two adjacent letters swapped). Word order is never relaxed: "Nguyễn Văn
 * An" and "An Văn Nguyễn" are different names.
 */
export function namesMatch(given: string, registered: string): boolean {
  // Most names an agency holds are the registry's, character for character (a bulk file compares
  // a million): equal texts fold equal, and a letter or digit survives folding, so the pair matches.
  if (given === registered && letterOrDigit.test(given)) return true;
  const a = foldText(given);
  const b = foldText(registered);
  if (a.length === 0 || b.length === 0) return false;
  if (a === b) return true;
  if (a.split(' ').length !== b.split(' ').length) return false;
  if (Math.min(letters(a), letters(b)) < 8) return false;
  return editDistance(a, b, 1) <= 1;
}

const letterOrDigit = /[\p{L}\p{N}]/u;

/** Folded text with punctuation dropped: for addresses, places and names. */
export function foldText(text: string): string {
  return foldVietnamese(text.normalize('NFC'))
    .replace(/[.,;:()"'`/\\_-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** An ISO date (yyyy-mm-dd) from yyyy-mm-dd, dd/mm/yyyy, dd-mm-yyyy or ddmmyyyy; undefined otherwise. */
export function normaliseDate(text: string): string | undefined {
  const value = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const dayFirst = iso
    ? null
    : (/^(\d{2})[/-](\d{2})[/-](\d{4})$/.exec(value) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(value));
  const [year, month, day] = iso
    ? [iso[1], iso[2], iso[3]]
    : dayFirst
      ? [dayFirst[3], dayFirst[2], dayFirst[1]]
      : [];
  if (!year || !month || !day) return undefined;
  // A calendar check rather than a Date round trip: this runs twice per record of a bulk file.
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(Number(year), m)) return undefined;
  return iso ? value : `${year}-${month}-${day}`;
}

/** Days in a month of the proleptic Gregorian calendar (as ECMAScript dates count them, year 0 included). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const sexes: Record<string, 'male' | 'female'> = {
  male: 'male',
  m: 'male',
  nam: 'male',
  female: 'female',
  f: 'female',
  nu: 'female',
};

// The spellings files and the registry use, looked up before folding (a bulk file has a million).
const spelledSexes: Record<string, 'male' | 'female'> = {
  ...sexes,
  Male: 'male',
  MALE: 'male',
  M: 'male',
  Nam: 'male',
  NAM: 'male',
  Female: 'female',
  FEMALE: 'female',
  F: 'female',
  Nữ: 'female',
  NỮ: 'female',
};

/** `male`/`female` from male/female, M/F or Nam/Nữ (any case, with or without diacritics). */
export function normaliseSex(text: string): 'male' | 'female' | undefined {
  if (Object.hasOwn(spelledSexes, text)) return spelledSexes[text];
  const folded = foldVietnamese(text);
  return Object.hasOwn(sexes, folded) ? sexes[folded] : undefined;
}

/** A Vietnamese phone number in national form: +84/84 prefix → 0, separators dropped. */
export function normalisePhone(text: string): string {
  const digits = text.replace(/[\s().-]/g, '');
  if (digits.startsWith('+84')) return `0${digits.slice(3)}`;
  if (/^84\d{9}$/.test(digits)) return `0${digits.slice(2)}`;
  return digits;
}

/** Compares one field the agency holds with the registry's value. */
export function compareField(field: ComparableField, given: string, registry: RegistryValues): FieldOutcome {
  const registered = registry[field];
  const outcome = (ok: boolean): FieldOutcome => (ok ? 'match' : 'mismatch');
  if (field === 'fullName')
    return outcome(
      (registered != null && namesMatch(given, registered)) ||
        (registry.otherNames ?? []).some((name) => namesMatch(given, name)),
    );
  if (registered == null || registered === '') return 'mismatch';
  switch (field) {
    case 'dateOfBirth': {
      const date = normaliseDate(given);
      return outcome(date !== undefined && date === normaliseDate(registered));
    }
    case 'sex': {
      const sex = normaliseSex(given);
      return outcome(sex !== undefined && sex === normaliseSex(registered));
    }
    case 'oldIdNumber':
      return outcome(given.replace(/\s/g, '') === registered);
    case 'phone':
      return outcome(normalisePhone(given) === normalisePhone(registered));
    case 'email':
      return outcome(given.trim().toLowerCase() === registered.trim().toLowerCase());
    case 'father':
    case 'mother':
    case 'spouse':
      return outcome(namesMatch(given, registered));
    default:
      // Addresses and places: folded text, equal word for word.
      return outcome(foldText(given) === foldText(registered) && foldText(given) !== '');
  }
}

/** Compares every field given; the answer names only the fields the agency sent. */
export function compareFields(
  given: Partial<Record<ComparableField, string>>,
  registry: RegistryValues,
): Partial<Record<ComparableField, FieldOutcome>> {
  const result: Partial<Record<ComparableField, FieldOutcome>> = {};
  for (const field of comparableFields) {
    const value = given[field];
    if (value !== undefined) result[field] = compareField(field, value, registry);
  }
  return result;
}
