import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, isCalendarDate, normaliseIdNumber, todayInVietnam } from './format.ts';

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

  it('accepts 12-digit ID numbers only', () => {
    expect(normaliseIdNumber('087 084 000 999')).toBe('087084000999');
    expect(normaliseIdNumber('08708400099')).toBeUndefined();
    expect(normaliseIdNumber('08708400099a')).toBeUndefined();
  });
});
