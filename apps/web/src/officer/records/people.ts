import type { Person } from '../../api/api.types.ts';

/** Completed years from one civil date to another (`YYYY-MM-DD`). */
export function ageOn(dateOfBirth: string, date: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** A person as a review heading: name and ID number. */
export function personTitle(person: Pick<Person, 'fullName' | 'idNumber'>): string {
  return `${person.fullName} · ${person.idNumber}`;
}
