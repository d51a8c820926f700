import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  isCalendarDate,
  normaliseIdNumber,
  parseDate,
  todayInVietnam,
} from './format.ts';

describe('display formats', () => {
  it('shows civil dates as dd/mm/yyyy', () => {
    expect(formatDate('1984-05-03')).toBe('03/05/1984');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('not a date')).toBe('not a date');
  });

  it('shows instants in Vietnam time', () => {
    expect(formatDateTime('2025-06-30T17:30:00.000Z')).toBe('01/07/2025 00:30');
    expect(todayInVietnam(new Date('2025-06-30T17:30:00Z'))).toBe('2025-07-01');
  });

  it('checks calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2023-2-1')).toBe(false);
  });

  it('reads dates typed as dd/mm/yyyy (or ISO), never as mm/dd/yyyy', () => {
    expect(parseDate('03/05/1984')).toBe('1984-05-03');
    expect(parseDate(' 3.5.1984 ')).toBe('1984-05-03');
    expect(parseDate('03-05-1984')).toBe('1984-05-03');
    expect(parseDate('1984-05-03')).toBe('1984-05-03');
    expect(parseDate('12/31/1984')).toBeUndefined();
    expect(parseDate('29/02/2023')).toBeUndefined();
    expect(parseDate('')).toBeUndefined();
    expect(formatDate(parseDate('29/02/2024'))).toBe('29/02/2024');
  });

  it('accepts 12-digit ID numbers only', () => {
    expect(normaliseIdNumber('087 084 000 999')).toBe('087084000999');
    expect(normaliseIdNumber('08708400099')).toBeUndefined();
    expect(normaliseIdNumber('08708400099a')).toBeUndefined();
  });
});
