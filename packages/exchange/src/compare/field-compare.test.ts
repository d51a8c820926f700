// The comparison's fast paths (bulk matching runs them a million times a file) against the plain
// definitions they replace: same answers on every input.
import { foldVietnamese } from '@dinhdanh/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareField, foldText, namesMatch, normaliseDate, normaliseSex } from './field-compare.ts';

/** The definition: a Date round trip. */
function referenceDate(text: string): string | undefined {
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
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${year}-${month}-${day}`)
    return undefined;
  return `${year}-${month}-${day}`;
}

const referenceSexes: Record<string, 'male' | 'female'> = {
  male: 'male',
  m: 'male',
  nam: 'male',
  female: 'female',
  f: 'female',
  nu: 'female',
};
const referenceSex = (text: string) => {
  const folded = foldVietnamese(text);
  return Object.hasOwn(referenceSexes, folded) ? referenceSexes[folded] : undefined;
};

const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const dateText = fc.oneof(
  fc.tuple(digits(4), digits(2), digits(2)).map(([y, m, d]) => `${y}-${m}-${d}`),
  fc
    .tuple(digits(2), digits(2), digits(4), fc.constantFrom('/', '-'))
    .map(([d, m, y, s]) => `${d}${s}${m}${s}${y}`),
  fc.tuple(digits(2), digits(2), digits(4)).map(([d, m, y]) => ` ${d}${m}${y} `),
  fc
    .date({
      min: new Date('0000-01-01T00:00:00Z'),
      max: new Date('9999-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString().slice(0, 10)),
  fc.string(),
);

describe('field comparison fast paths', () => {
  it('normaliseDate checks the calendar as a Date round trip would (property)', () => {
    fc.assert(
      fc.property(dateText, (text) => {
        expect(normaliseDate(text)).toBe(referenceDate(text));
      }),
      {
        numRuns: 20_000,
      },
    );
    for (const text of [
      '2024-02-29',
      '2023-02-29',
      '1900-02-29',
      '2000-02-29',
      '0000-02-29',
      '31/04/2001',
      '00/01/2001',
      '01/13/2001',
    ])
      expect(normaliseDate(text)).toBe(referenceDate(text));
  });

  it('normaliseSex reads the usual spellings directly, any other by folding (property)', () => {
    const spellings = fc.constantFrom(
      'Nam',
      'Nữ',
      'Nữ'.normalize('NFD'),
      'NỮ',
      'nu',
      'M',
      'f',
      'Female',
      ' male ',
      'constructor',
      'x',
    );
    fc.assert(
      fc.property(fc.oneof(spellings, fc.string()), (text) => {
        expect(normaliseSex(text)).toBe(referenceSex(text));
      }),
    );
  });

  it('an equal pair of names matches exactly when its folded forms are equal and not empty (property)', () => {
    const name = fc.oneof(
      fc.constantFrom('Nguyễn Văn An', '...', ' ', '', '!', 'Đặng Thị Ngọc Ánh', '\u0301'),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
    );
    fc.assert(
      fc.property(name, (text) => {
        const folded = foldText(text);
        expect(namesMatch(text, text)).toBe(folded.length > 0);
      }),
    );
    expect(namesMatch('Nguyen Van An', 'Nguyễn Văn An')).toBe(true);
    expect(compareField('dateOfBirth', '01/05/1984', { dateOfBirth: '1984-05-01' })).toBe('match');
    expect(compareField('dateOfBirth', '31/02/1984', { dateOfBirth: '1984-02-31' })).toBe('mismatch');
    expect(compareField('sex', 'Nữ', { sex: 'female' })).toBe('match');
    expect(compareField('sex', 'valueOf', { sex: 'valueOf' })).toBe('mismatch');
  });
});
