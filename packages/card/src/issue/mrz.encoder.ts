import { AppError } from '@dinhdanh/kernel';
import { checkDigit } from '../lds/mrz.ts';

/**
 * ICAO 9303-3 §4 transliteration for Vietnamese: strip the diacritics (tone and vowel marks),
 * Đ → D, everything else that is not A–Z or 0–9 becomes the filler `<`.
 */
export function transliterate(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[Đđ]/g, 'D')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '<')
    .replace(/^<+|<+$/g, '');
}

/**
 * The name line of a TD1: `SURNAME<<GIVEN<NAMES`. A Vietnamese full name is written family
 * name first, so the first word is the primary identifier and the rest the secondary one.
 * Names longer than 30 characters are cut (ICAO 9303-3 §4.6 truncation, without the marker).
 */
export function mrzName(fullName: string): string {
  const [surname = '', ...given] = fullName.trim().split(/\s+/);
  const line = `${transliterate(surname)}<<${transliterate(given.join(' '))}`;
  return line.slice(0, 30).padEnd(30, '<');
}

/** `yyyy-mm-dd` → `YYMMDD`; `null` (no expiry) → `<<<<<<`, whose check digit is 0. */
function mrzDate(iso: string | null): string {
  return iso ? `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}` : '<<<<<<';
}

export interface Td1Input {
  idNumber: string;
  fullName: string;
  dateOfBirth: string;
  sex: 'male' | 'female';
  /** `null`: the card never expires (issued at 60 or later). */
  expiryDate: string | null;
  /** Document code; Vietnamese cards print `ID` (`I<` is the generic identity card). */
  documentCode?: string;
  issuingState?: string;
  nationality?: string;
}

/**
 * A TD1 MRZ (ICAO 9303-5 §4.2) as three 30-character lines joined without separators, as DG1
 * stores it. Vietnamese convention (DOMAIN.md): document number = last 9 digits of the ID number;
 * the upper optional data starts with the full 12-digit ID number.
 */
export function encodeTd1(input: Td1Input): string {
  if (!/^\d{12}$/.test(input.idNumber))
    throw new AppError('ERR_CARD_DATA_INVALID', 'the ID number must be 12 digits');
  const code = (input.documentCode ?? 'ID').padEnd(2, '<');
  const documentNumber = input.idNumber.slice(3);
  const documentCheck = String(checkDigit(documentNumber));
  const optional1 = input.idNumber.padEnd(15, '<');
  const line1 = `${code}${input.issuingState ?? 'VNM'}${documentNumber}${documentCheck}${optional1}`;

  const birth = mrzDate(input.dateOfBirth);
  const expiry = mrzDate(input.expiryDate);
  const birthField = `${birth}${checkDigit(birth)}`;
  const expiryField = `${expiry}${checkDigit(expiry)}`;
  const optional2 = ''.padEnd(11, '<');
  const sex = input.sex === 'male' ? 'M' : 'F';
  const composite = checkDigit(`${line1.slice(5, 30)}${birthField}${expiryField}${optional2}`);
  const line2 = `${birthField}${sex}${expiryField}${input.nationality ?? 'VNM'}${optional2}${composite}`;
  const line3 = mrzName(input.fullName);
  return `${line1}${line2}${line3}`;
}
