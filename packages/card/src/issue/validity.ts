/** Ages at which a card must be renewed (Law on Identification 26/2023/QH15, art. 21). */
export const RENEWAL_AGES = [14, 25, 40, 60] as const;

/** The date someone turns `age`; 29 February birthdays fall on 28 February in common years. */
export function birthdayAt(dateOfBirth: string, age: number): string {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const year = y + age;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const day = m === 2 && d === 29 && !leap ? 28 : d;
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The expiry of a card issued on `issueDate` (both `yyyy-mm-dd`): the day the holder reaches the
 * next renewal age; when that day is at most 2 years after issue, the one after it; `null` (no
 * expiry) once no renewal age is left — cards issued from 58 on (2-year rule at 60) and from 60.
 */
export function cardExpiry(dateOfBirth: string, issueDate: string): string | null {
  const upcoming = RENEWAL_AGES.map((age) => birthdayAt(dateOfBirth, age)).filter((day) => day > issueDate);
  const [next, after] = upcoming;
  if (next === undefined) return null;
  // "Within 2 years before" that age: issued on or after the day two years before it.
  if (issueDate >= twoYearsBefore(next)) return after ?? null;
  return next;
}

function twoYearsBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${String(y - 2).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Completed years of age on `at`. */
export function ageOn(dateOfBirth: string, at: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = at.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}
