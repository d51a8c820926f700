import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  centurySexDigit,
  decodeIdNumber,
  idNumberPrefix,
  permutedSerial,
  randomIdNumber,
} from './id-number.ts';

const today = new Date('2026-11-23T00:00:00Z');

describe('ID number', () => {
  it('decodes the DOMAIN.md example: male, born 1984, registered in Đồng Tháp', () => {
    const result = decodeIdNumber('087084000999', today);
    expect(result).toEqual({
      ok: true,
      value: {
        idNumber: '087084000999',
        provinceCode: '087',
        provinceName: 'Đồng Tháp',
        registeredAbroad: false,
        sex: 'male',
        birthYear: 1984,
        serial: '000999',
      },
    });
  });

  it.each([
    [1900, 'male', 0],
    [1999, 'female', 1],
    [2000, 'male', 2],
    [2025, 'female', 3],
    [2100, 'male', 4],
    [2299, 'female', 7],
    [2300, 'female', 9],
  ] as const)('century-sex digit for %i %s is %i', (year, sex, digit) => {
    expect(centurySexDigit(year, sex)).toBe(digit);
  });

  it.each([
    [12345, 'not_a_string'],
    ['12345', 'wrong_length'],
    ['0870840009991', 'wrong_length'],
    ['08708400099a', 'not_digits'],
    ['087 84000999', 'not_digits'],
    ['０８７０８４０００９９９', 'not_digits'],
    ['000084000999', 'unknown_province'],
    ['097084000999', 'unknown_province'],
    ['300084000999', 'unknown_province'],
    ['001227000001', 'birth_year_in_future'],
    ['001499000001', 'birth_year_in_future'],
  ] as const)('rejects %s with reason %s', (input, reason) => {
    const result = decodeIdNumber(input, today);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.reason).toBe(reason);
      expect(result.problem.message.length).toBeGreaterThan(10);
    }
  });

  it('accepts country codes 101–295 for births registered abroad', () => {
    const result = decodeIdNumber('101305123456', today);
    expect(result.ok && result.value).toMatchObject({
      registeredAbroad: true,
      provinceName: null,
      sex: 'female',
      birthYear: 2005,
    });
  });

  it('round-trips province, sex and year for every valid combination (property)', () => {
    const provinces = ['001', '079', '087', '096'];
    fc.assert(
      fc.property(
        fc.constantFrom(...provinces),
        fc.integer({ min: 1900, max: 2026 }),
        fc.constantFrom('male' as const, 'female' as const),
        (province, year, sex) => {
          const id = randomIdNumber(idNumberPrefix(province, year, sex));
          const result = decodeIdNumber(id, today);
          return (
            result.ok &&
            result.value.birthYear === year &&
            result.value.sex === sex &&
            result.value.provinceCode === province
          );
        },
      ),
    );
  });

  it('never throws on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{12}$/), fc.anything()), (input) => {
        const result = decodeIdNumber(input, today);
        return typeof result.ok === 'boolean';
      }),
    );
  });

  it('gives distinct serials for distinct counters (a bijection of 0..999999)', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 1_000_000; n++) seen.add(permutedSerial(n, 42));
    expect(seen.size).toBe(1_000_000);
  });
});
