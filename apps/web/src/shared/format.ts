/** Display helpers. Dates are civil dates (no time zone); instants are shown in Vietnam time. */

export const displayTimeZone = 'Asia/Ho_Chi_Minh';

const isoDate = /^(\d{4})-(\d{2})-(\d{2})/;

/** `1984-05-03` → `03/05/1984`. A value that is not an ISO date is returned unchanged. */
export function formatDate(value: string | null | undefined, empty = '—'): string {
  if (!value) return empty;
  const match = isoDate.exec(value);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value;
}

const instantFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: displayTimeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An ISO instant as `dd/mm/yyyy HH:mm` in Asia/Ho_Chi_Minh, whatever the device's zone. */
export function formatDateTime(value: string | null | undefined, empty = '—'): string {
  if (!value) return empty;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    instantFormat.formatToParts(date).find((p) => p.type === type)?.value ?? '';
  return `${part('day')}/${part('month')}/${part('year')} ${part('hour')}:${part('minute')}`;
}

/** Today's civil date in Vietnam, `YYYY-MM-DD` (the upper bound for a date of birth). */
export function todayInVietnam(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: displayTimeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * A date as a person types it — `dd/mm/yyyy` (also `d/m/yyyy`, with `-` or `.`), or ISO
 * `yyyy-mm-dd` — as `YYYY-MM-DD`; undefined unless it names a real calendar day.
 */
export function parseDate(input: string): string | undefined {
  const text = input.trim();
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const iso = dmy ? `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}` : text;
  return isCalendarDate(iso) ? iso : undefined;
}

/** True for a `YYYY-MM-DD` string that names a real calendar day. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** The ID number as typed (spaces and dots allowed between groups), or undefined if not 12 digits. */
export function normaliseIdNumber(input: string): string | undefined {
  const digits = input.replace(/[\s.-]/g, '');
  return /^\d{12}$/.test(digits) ? digits : undefined;
}
