/**
 * Civil dates as day numbers (days since 1900-01-01), with a precomputed table of ISO strings
 * so the generator never formats a Date in its inner loop.
 */
const EPOCH = Date.UTC(1900, 0, 1);
const DAY_MS = 86_400_000;
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2150;
export const DAYS_PER_YEAR = 365.2425;

const dayCount = (Date.UTC(LAST_YEAR + 1, 0, 1) - EPOCH) / DAY_MS;
const isoTable: string[] = new Array(dayCount);
const yearTable = new Int16Array(dayCount);
for (let day = 0; day < dayCount; day++) {
  const iso = new Date(EPOCH + day * DAY_MS).toISOString().slice(0, 10);
  isoTable[day] = iso;
  yearTable[day] = Number(iso.slice(0, 4));
}

/** The day number of an ISO date. */
export function dayOf(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const day = (Date.UTC(y, m - 1, d) - EPOCH) / DAY_MS;
  if (!Number.isInteger(day) || day < 0 || day >= dayCount)
    throw new RangeError(`date ${iso} is outside ${FIRST_YEAR}–${LAST_YEAR}`);
  return day;
}

export function isoOf(day: number): string {
  const iso = isoTable[day];
  if (iso === undefined) throw new RangeError(`day ${day} is outside ${FIRST_YEAR}–${LAST_YEAR}`);
  return iso;
}

export function yearOf(day: number): number {
  return yearTable[day] as number;
}

/** Days in a span of years (fractional), rounded. */
export function yearsToDays(years: number): number {
  return Math.round(years * DAYS_PER_YEAR);
}

/** The day a person born on `day` turns `years` old (exact calendar arithmetic; 29 Feb → 1 Mar). */
export function birthday(day: number, years: number): number {
  const iso = isoOf(day);
  const y = Number(iso.slice(0, 4)) + years;
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  return (Date.UTC(y, m - 1, d) - EPOCH) / DAY_MS;
}
