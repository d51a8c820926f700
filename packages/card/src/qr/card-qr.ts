import { AppError } from '@dinhdanh/kernel';

/** The printed card QR (unsigned): what the card shows, in the order the card prints it. */
export interface CardQr {
  idNumber: string;
  /** The old 9-digit CMND number, or `null` when the field is empty. */
  oldIdNumber: string | null;
  fullName: string;
  /** `yyyy-mm-dd`. */
  dateOfBirth: string;
  sex: 'male' | 'female';
  permanentAddress: string;
  /** `yyyy-mm-dd`. */
  issueDate: string;
}

export type CardQrProblem =
  | 'too_large'
  | 'too_few_fields'
  | 'id_number_invalid'
  | 'old_id_number_invalid'
  | 'full_name_missing'
  | 'date_of_birth_invalid'
  | 'sex_invalid'
  | 'issue_date_invalid'
  | 'separator_in_field';

/** A QR holds at most ~3 KB; anything longer is not a card QR. */
export const MAX_CARD_QR_LENGTH = 4096;

const fail = (reason: CardQrProblem, detail?: string) =>
  new AppError('ERR_CARD_QR_MALFORMED', detail ?? reason, { reason });

/** `ddmmyyyy` → `yyyy-mm-dd` when it is a real calendar date. */
function isoDate(text: string): string | undefined {
  const match = /^(\d{2})(\d{2})(\d{4})$/.exec(text);
  if (!match) return undefined;
  const iso = `${match[3]}-${match[2]}-${match[1]}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : undefined;
}

const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}${iso.slice(5, 7)}${iso.slice(0, 4)}`;

/** The QR text, UTF-8 with diacritics (NFC) and `|` between fields. */
export function formatCardQr(qr: CardQr): string {
  const fields = [
    qr.idNumber,
    qr.oldIdNumber ?? '',
    qr.fullName,
    ddmmyyyy(qr.dateOfBirth),
    qr.sex === 'male' ? 'Nam' : 'Nữ',
    qr.permanentAddress,
    ddmmyyyy(qr.issueDate),
  ].map((field) => field.normalize('NFC'));
  if (fields.some((field) => field.includes('|'))) throw fail('separator_in_field');
  return fields.join('|');
}

/**
 * Parses the printed QR. Seven or more fields (newer cards append empty ones, which are ignored);
 * text is NFC-normalised so a decomposed "Nữ" from a scanner still reads as female.
 */
export function parseCardQr(text: string): CardQr {
  if (text.length > MAX_CARD_QR_LENGTH) throw fail('too_large');
  const fields = text
    .normalize('NFC')
    .replace(/\r?\n$/, '')
    .split('|');
  if (fields.length < 7) throw fail('too_few_fields', `${fields.length} fields, expected at least 7`);
  const [idNumber = '', old = '', fullName = '', dob = '', sex = '', address = '', issued = ''] = fields.map(
    (f) => f.trim(),
  );
  if (!/^\d{12}$/.test(idNumber)) throw fail('id_number_invalid');
  if (old !== '' && !/^\d{9}$/.test(old)) throw fail('old_id_number_invalid');
  if (fullName === '') throw fail('full_name_missing');
  const dateOfBirth = isoDate(dob);
  if (!dateOfBirth) throw fail('date_of_birth_invalid');
  const lower = sex.toLowerCase();
  if (lower !== 'nam' && lower !== 'nữ') throw fail('sex_invalid');
  const issueDate = isoDate(issued);
  if (!issueDate) throw fail('issue_date_invalid');
  return {
    idNumber,
    oldIdNumber: old === '' ? null : old,
    fullName,
    dateOfBirth,
    sex: lower === 'nam' ? 'male' : 'female',
    permanentAddress: address,
    issueDate,
  };
}
