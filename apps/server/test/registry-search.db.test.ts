import { testDatabaseKind } from '@dinhdanh/db/testing';
import { foldVietnamese } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test-app.ts';

// Officer search pages through the matches and says how many there are (issue 11, item 8).
// People are inserted straight into the current-state table: only search reads them here.

let t: TestApp;
let token: string;

/** `count` people named `name` (born on successive days from 1980-01-01), ID numbers from `first`. */
async function insertPeople(name: string, count: number, first: number) {
  await sql`
    INSERT INTO registry.person (id_number, full_name, name_key, date_of_birth, sex)
    SELECT lpad((${first}::bigint + i)::text, 12, '0'), ${name}, ${foldVietnamese(name)},
           DATE '1980-01-01' + i, 'female'
    FROM generate_series(0, ${count - 1}) AS i`.execute(t.database.db);
}

beforeAll(async () => {
  t = await createTestApp();
  token = await t.token('VN', 'search-1');
  // 3 exact "Phạm Thị Hoa", 117 longer names with that prefix, 5 that do not match.
  await insertPeople('Phạm Thị Hoa', 3, 900_000_000_000);
  await insertPeople('Phạm Thị Hoa Mai', 60, 900_000_001_000);
  await insertPeople('Phạm Thị Hoài', 57, 900_000_002_000);
  await insertPeople('Phạm Thị Hồng', 5, 900_000_003_000);
  // More people of one name than a search counts.
  await insertPeople('Lò Văn Đông', 10_020, 910_000_000_000);
});
afterAll(() => t.close());

const search = (payload: Record<string, unknown>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/registry/v1/people/search',
    headers: { authorization: `Bearer ${token}` },
    payload,
  });

describe(`people search pages (${testDatabaseKind()})`, () => {
  it('pages past 50 in a stable order, exact names first, and says how many match', async () => {
    const pages = [];
    for (const offset of [0, 50, 100]) {
      const response = await search({ fullName: 'pham thi hoa', offset });
      expect(response.statusCode, response.body).toBe(200);
      pages.push(response.json());
    }
    expect(pages.map((page) => [page.offset, page.limit, page.total, page.totalCapped])).toEqual([
      [0, 50, 120, false],
      [50, 50, 120, false],
      [100, 50, 120, false],
    ]);
    expect(pages.map((page) => page.items.length)).toEqual([50, 50, 20]);
    const ids = pages.flatMap((page) => page.items.map((item: { idNumber: string }) => item.idNumber));
    expect(new Set(ids).size).toBe(120);
    const names = pages.flatMap((page) => page.items.map((item: { fullName: string }) => item.fullName));
    expect(names.slice(0, 3)).toEqual(['Phạm Thị Hoa', 'Phạm Thị Hoa', 'Phạm Thị Hoa']);
    expect(names).not.toContain('Phạm Thị Hồng');
    // The same order as sorting the matches by folded name, date of birth, ID number.
    const { rows } = await sql<{ id_number: string }>`
      SELECT id_number FROM registry.person WHERE name_key LIKE 'pham thi hoa%'
      ORDER BY name_key COLLATE "C", date_of_birth, id_number`.execute(t.database.db);
    expect(ids).toEqual(rows.map((row) => row.id_number));
  });

  it('counts with the other criteria and after the last page returns nothing', async () => {
    const narrowed = await search({ fullName: 'Phạm Thị Hoa', dateOfBirth: '1980-01-02' });
    expect(narrowed.json()).toMatchObject({ total: 3, totalCapped: false });
    expect(
      narrowed
        .json()
        .items.map((item: { fullName: string }) => item.fullName)
        .sort(),
    ).toEqual(['Phạm Thị Hoa', 'Phạm Thị Hoa Mai', 'Phạm Thị Hoài']);
    const past = await search({ fullName: 'Phạm Thị Hoa', offset: 200, limit: 20 });
    expect(past.json()).toMatchObject({ items: [], offset: 200, limit: 20, total: 120 });
  });

  it('stops counting at 10,000 and pages only within them', async () => {
    const first = await search({ fullName: 'Lò Văn Đông', limit: 10 });
    expect(first.json()).toMatchObject({ total: 10_000, totalCapped: true, offset: 0, limit: 10 });
    const last = await search({ fullName: 'Lò Văn Đông', offset: 9_950 });
    expect(last.statusCode).toBe(200);
    expect(last.json().items).toHaveLength(50);
    const beyond = await search({ fullName: 'Lò Văn Đông', offset: 9_951 });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json()).toMatchObject({ code: 'ERR_SEARCH_TOO_BROAD' });
    expect(beyond.json().messages.vi).toContain('10.000');
  });

  it('refuses a negative or fractional offset', async () => {
    for (const offset of [-1, 1.5, '10']) {
      const response = await search({ fullName: 'Phạm Thị Hoa', offset });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('ERR_VALIDATION');
    }
  });

  it('records on the access log only the people on the page returned', async () => {
    const before = await auditedSearchSubjects();
    await search({ fullName: 'Phạm Thị Hoa', offset: 100 });
    expect((await auditedSearchSubjects()) - before).toBe(20);
  });
});

/** How many people search results have put on the access log so far (one entry per person). */
async function auditedSearchSubjects(): Promise<number> {
  const { rows } = await sql<{ n: string | number }>`
    SELECT count(*) AS n FROM audit.entry WHERE action = 'registry.person.search_result'`.execute(
    t.database.db,
  );
  return Number(rows[0]?.n ?? 0);
}
