import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());

describe(`administrative units (${testDatabaseKind()})`, () => {
  it('loads 34 provinces and 3,321 communes in force since the 2025 reform', async () => {
    const { rows } = await sql<{ level: string; n: number }>`
      SELECT level, count(DISTINCT code)::int AS n FROM registry.admin_unit
      WHERE scheme = '2025' GROUP BY level ORDER BY level`.execute(database.db);
    expect(rows).toEqual([
      { level: 'commune', n: 3321 },
      { level: 'province', n: 34 },
    ]);
  });

  it('versions a retyped unit: Đồng Nai is a province before 2026-04-30 and a city after', async () => {
    const { rows } = await sql<{ full_name: string; valid_from: string; valid_to: string | null }>`
      SELECT full_name, valid_from, valid_to FROM registry.admin_unit
      WHERE scheme = '2025' AND level = 'province' AND code = '75' ORDER BY valid_from`.execute(database.db);
    expect(rows).toEqual([
      { full_name: 'Tỉnh Đồng Nai', valid_from: '2025-07-01', valid_to: '2026-04-30' },
      { full_name: 'Thành phố Đồng Nai', valid_from: '2026-04-30', valid_to: null },
    ]);
  });

  it('keeps the 63 old provinces, their ID codes and the old→new mapping', async () => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM registry.id_province_code`.execute(database.db);
    expect(rows[0]?.n).toBe(63);
    const mapped = await sql<{ new_code: string }>`
      SELECT new_code FROM registry.admin_unit_mapping WHERE old_code = '00001' AND old_level = 'ward'`.execute(
      database.db,
    );
    expect(mapped.rows.map((row) => row.new_code)).toEqual(['00097']);
  });
});
