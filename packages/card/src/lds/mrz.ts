import { ldsError } from './lds-common.ts';

/** A decoded machine-readable zone (ICAO 9303 parts 4–6). Dates are ISO `yyyy-mm-dd`. */
export interface Mrz {
  type: 'td1' | 'td2' | 'td3';
  text: string;
  documentCode: string;
  issuingState: string;
  documentNumber: string;
  nationality: string;
  dateOfBirth: string;
  sex: string;
  dateOfExpiry: string;
  primaryIdentifier: string;
  secondaryIdentifier: string;
  /** TD1: upper-line optional data; TD2/TD3: the optional data / personal number. */
  optionalData1: string;
  /** TD1 only: lower-line optional data. */
  optionalData2: string;
  checkDigits: {
    documentNumber: boolean;
    dateOfBirth: boolean;
    dateOfExpiry: boolean;
    composite: boolean;
    optionalData: boolean;
  };
  /** All check digits correct. */
  valid: boolean;
  /** Vietnamese TD1: the 12-digit personal ID number at the start of the optional data. */
  idNumber: string | undefined;
}

export function checkDigit(text: string): number {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += v * (weights[i % 3] as number);
  }
  return sum % 10;
}

const digitOk = (field: string, digit: string | undefined) =>
  digit !== undefined && String(checkDigit(field)) === digit;
const clean = (s: string) => s.replace(/<+$/, '').replace(/</g, ' ').trim();

function names(field: string): { primary: string; secondary: string } {
  const [primary = '', ...rest] = field.split('<<');
  return { primary: clean(primary), secondary: clean(rest.join('<<')) };
}

/** YYMMDD → ISO; birth dates go to the latest century not in the future, expiry dates to 19xx only from 70. */
function date(yymmdd: string, kind: 'birth' | 'expiry'): string {
  if (!/^\d{6}$/.test(yymmdd)) return '';
  const yy = Number(yymmdd.slice(0, 2));
  const now = new Date().getUTCFullYear() % 100;
  const century = kind === 'birth' ? (yy > now ? 1900 : 2000) : yy >= 70 ? 1900 : 2000;
  return `${century + yy}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
}

/** A document number longer than 9 characters continues in the optional data (check digit '<'). */
function longNumber(
  number: string,
  digit: string,
  optional: string,
): { number: string; digit: string; rest: string } {
  if (digit !== '<') return { number: clean(number), digit, rest: optional };
  const end = optional.indexOf('<');
  const tail = end < 0 ? optional : optional.slice(0, end);
  return {
    number: clean(number) + tail.slice(0, -1),
    digit: tail.slice(-1),
    rest: end < 0 ? '' : optional.slice(end),
  };
}

export function parseMrz(text: string): Mrz {
  if (!/^[A-Z0-9<]*$/.test(text)) throw ldsError('dg1', 'MRZ has characters outside A-Z 0-9 <');
  const s = (a: number, b: number) => text.slice(a, b);
  if (text.length === 90) {
    const doc = longNumber(s(5, 14), s(14, 15), s(15, 30));
    const n = names(s(60, 90));
    const optional1 = clean(doc.rest);
    const checks = {
      documentNumber: digitOk(doc.digit === s(14, 15) ? s(5, 14) : doc.number, doc.digit),
      dateOfBirth: digitOk(s(30, 36), s(36, 37)),
      dateOfExpiry: digitOk(s(38, 44), s(44, 45)),
      composite: digitOk(s(5, 30) + s(30, 37) + s(38, 45) + s(48, 59), s(59, 60)),
      optionalData: true,
    };
    const idMatch = s(2, 5) === 'VNM' ? /^(\d{12})/.exec(optional1) : null;
    return {
      type: 'td1',
      text,
      documentCode: clean(s(0, 2)),
      issuingState: clean(s(2, 5)),
      documentNumber: doc.number,
      nationality: clean(s(45, 48)),
      dateOfBirth: date(s(30, 36), 'birth'),
      sex: clean(s(37, 38)),
      dateOfExpiry: date(s(38, 44), 'expiry'),
      primaryIdentifier: n.primary,
      secondaryIdentifier: n.secondary,
      optionalData1: optional1,
      optionalData2: clean(s(48, 59)),
      checkDigits: checks,
      valid: Object.values(checks).every(Boolean),
      idNumber: idMatch?.[1],
    };
  }
  if (text.length === 72 || text.length === 88) {
    const td3 = text.length === 88;
    const w = td3 ? 44 : 36;
    const l2 = (a: number, b: number) => text.slice(w + a, w + b);
    const optEnd = td3 ? 42 : 35;
    const doc = longNumber(l2(0, 9), l2(9, 10), l2(28, optEnd));
    const n = names(text.slice(5, w));
    const checks = {
      documentNumber: digitOk(doc.digit === l2(9, 10) ? l2(0, 9) : doc.number, doc.digit),
      dateOfBirth: digitOk(l2(13, 19), l2(19, 20)),
      dateOfExpiry: digitOk(l2(21, 27), l2(27, 28)),
      composite: digitOk(l2(0, 10) + l2(13, 20) + l2(21, w - 1), l2(w - 1, w)),
      // TD3: the personal-number check digit may be '<' when the field is empty.
      optionalData:
        !td3 || (l2(42, 43) === '<' && /^<*$/.test(l2(28, 42))) || digitOk(l2(28, 42), l2(42, 43)),
    };
    return {
      type: td3 ? 'td3' : 'td2',
      text,
      documentCode: clean(s(0, 2)),
      issuingState: clean(s(2, 5)),
      documentNumber: doc.number,
      nationality: clean(l2(10, 13)),
      dateOfBirth: date(l2(13, 19), 'birth'),
      sex: clean(l2(20, 21)),
      dateOfExpiry: date(l2(21, 27), 'expiry'),
      primaryIdentifier: n.primary,
      secondaryIdentifier: n.secondary,
      optionalData1: clean(doc.rest),
      optionalData2: '',
      checkDigits: checks,
      valid: Object.values(checks).every(Boolean),
      idNumber: undefined,
    };
  }
  throw ldsError('dg1', `MRZ length ${text.length} is not TD1 (90), TD2 (72) or TD3 (88)`);
}
