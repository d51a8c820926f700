import { readFileSync } from 'node:fs';
import { parseCsv } from '@dinhdanh/db';

/**
 * The ID-number province table (Circular 07/2016/TT-BCA): 3-digit codes for the 63 provinces
 * before the 2025 merger. ID numbers keep these codes after the merger. The table is small and
 * fixed, so it is read once from the package's data folder.
 */
export interface IdProvinceCode {
  code: string;
  name: string;
  /** The 2-digit GSO code of the same pre-2025 province. */
  oldProvinceCode: string;
}

const file = new URL('../../data/id-province-codes.csv', import.meta.url);

export const idProvinceCodes: ReadonlyMap<string, IdProvinceCode> = new Map(
  parseCsv(readFileSync(file, 'utf8')).map((row) => [
    row.code ?? '',
    { code: row.code ?? '', name: row.name ?? '', oldProvinceCode: (row.code ?? '').slice(1) },
  ]),
);

/** Codes 101–295 denote a country, for births registered abroad (the country table is not public). */
export function isCountryCode(code: string): boolean {
  const n = Number(code);
  return n >= 101 && n <= 295;
}
