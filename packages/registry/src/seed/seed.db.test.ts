import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminUnits } from '../admin-unit/admin-units.ts';
import { decodeIdNumber } from '../id-number/id-number.ts';
import { applyChanges, type PersonState, rowToState, stateToRow } from '../person/person.state.ts';
import { seedPopulation } from './seed.service.ts';

const count = async (database: Database, query: ReturnType<typeof sql<{ n: number }>>) =>
  Number((await query.execute(database.db)).rows[0]?.n ?? -1);

/** Problems that must never exist after a seed, whole or interrupted. */
async function integrityProblems(database: Database) {
  const problems = {
    // Every person has all their events, numbered 1..version.
    versions: await count(
      database,
      sql`SELECT count(*)::int AS n FROM registry.person p
          WHERE p.version <> (SELECT count(*) FROM registry.person_event e WHERE e.id_number = p.id_number)
             OR p.version <> (SELECT max(version) FROM registry.person_event e WHERE e.id_number = p.id_number)`,
    ),
    // Every household has exactly one head, who is its recorded head.
    heads: await count(
      database,
      sql`SELECT count(*)::int AS n FROM registry.household h
          WHERE 1 <> (SELECT count(*) FROM registry.person p WHERE p.household_id = h.household_id AND p.relation_to_head = 'head')
             OR NOT EXISTS (SELECT 1 FROM registry.person p WHERE p.id_number = h.head_id_number
                              AND p.household_id = h.household_id AND p.relation_to_head = 'head')`,
    ),
    // Members point to existing people of the household; the household's events are all there.
    members: await count(
      database,
      sql`SELECT count(*)::int AS n FROM registry.household_event e
          LEFT JOIN registry.person p ON p.id_number = e.data->>'idNumber' AND p.household_id = e.household_id
          WHERE e.type = 'member_added' AND p.id_number IS NULL`,
    ),
    unlisted: await count(
      database,
      sql`SELECT count(*)::int AS n FROM registry.person p
          WHERE NOT EXISTS (SELECT 1 FROM registry.household_event e WHERE e.household_id = p.household_id
                              AND e.type = 'member_added' AND e.data->>'idNumber' = p.id_number)`,
    ),
    householdVersions: await count(
      database,
      sql`SELECT count(*)::int AS n FROM registry.household h
          WHERE h.version <> (SELECT count(*) FROM registry.household_event e WHERE e.household_id = h.household_id)`,
    ),
    // Same address as the household.
    addresses: await count(
      database,
      sql`SELECT count(*)::int AS n FROM registry.person p JOIN registry.household h USING (household_id)
          WHERE p.permanent_address <> h.address OR p.permanent_commune_code <> h.commune_code
             OR p.permanent_province_code <> h.province_code`,
    ),
    // Living married people point to each other.
    spouses: await count(
      database,
      sql`SELECT count(*)::int AS n FROM registry.person a
          LEFT JOIN registry.person b ON b.id_number = a.spouse_id_number
          WHERE a.marital_status = 'married' AND a.date_of_death IS NULL
            AND (b.id_number IS NULL OR b.spouse_id_number IS DISTINCT FROM a.id_number OR b.marital_status <> 'married')`,
    ),
    // Parents exist and are at least 15 years older.
    parents: await count(
      database,
      sql`SELECT count(*)::int AS n FROM registry.person c
          CROSS JOIN LATERAL (VALUES (c.father_id_number, 'male'), (c.mother_id_number, 'female')) AS parent(id, sex)
          LEFT JOIN registry.person p ON p.id_number = parent.id
          WHERE parent.id IS NOT NULL
            AND (p.id_number IS NULL OR p.sex <> parent.sex OR p.date_of_birth > c.date_of_birth - interval '15 years')`,
    ),
  };
  return problems;
}

const noProblems = {
  versions: 0,
  heads: 0,
  members: 0,
  unlisted: 0,
  householdVersions: 0,
  addresses: 0,
  spouses: 0,
  parents: 0,
};

async function rows(database: Database, table: string, order: string) {
  const { rows } = await sql<
    Record<string, unknown>
  >`SELECT * FROM ${sql.raw(table)} ORDER BY ${sql.raw(order)}`.execute(database.db);
  return rows.map(({ created_at, updated_at, ...rest }) => rest);
}

describe(`seeding a synthetic population (${testDatabaseKind()})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(() => database.close());

  it('loads whole households whose rows are the fold of their events', async () => {
    const progress: number[] = [];
    const result = await seedPopulation(database, {
      people: 3000,
      seed: 11,
      batchSize: 1000,
      onProgress: ({ done, total }) => {
        expect(total).toBe(3000);
        progress.push(done);
      },
    });
    expect(result.people).toBe(3000);
    expect(progress.at(-1)).toBe(3000);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(await count(database, sql`SELECT count(*)::int AS n FROM registry.person`)).toBe(3000);
    expect(await count(database, sql`SELECT count(*)::int AS n FROM registry.household`)).toBe(
      result.households,
    );
    expect(
      await count(
        database,
        sql`SELECT ((SELECT count(*) FROM registry.person_event) + (SELECT count(*) FROM registry.household_event))::int AS n`,
      ),
    ).toBe(result.events);
    expect(await integrityProblems(database)).toEqual(noProblems);

    const people = await rows(database, 'registry.person', 'id_number');
    const events = await rows(database, 'registry.person_event', 'id_number, version');
    const byPerson = new Map<string, Record<string, unknown>[]>();
    for (const event of events) {
      const id = String(event.id_number);
      byPerson.set(id, [...(byPerson.get(id) ?? []), event]);
    }
    // The province of each commune from the administrative units, not from the rows under test.
    const units = await AdminUnits.load(database.db);
    const provinceOf = (scheme: string, code: string) => units.provinceOf(scheme, code);
    for (const row of people) {
      const id = String(row.id_number);
      const history = byPerson.get(id) ?? [];
      const state = history.reduce<PersonState | undefined>((current, event) => {
        const data = (typeof event.data === 'string' ? JSON.parse(event.data) : event.data) as {
          changes: Partial<PersonState>;
        };
        return applyChanges(current, data.changes);
      }, undefined)!;
      expect(rowToState(row)).toEqual(state);
      expect(Number(row.version)).toBe(history.length);
      expect(history[0]?.type).toBe('initial_load');
      expect(history[0]?.effective_date).toBe(state.dateOfBirth);
      const expected = stateToRow(state, history.length, provinceOf);
      expect(row.name_key).toBe(expected.name_key);
      expect(row.permanent_province_code).toBe(expected.permanent_province_code);
      const decoded = decodeIdNumber(id);
      expect(decoded.ok && decoded.value.sex === state.sex).toBe(true);
      expect(decoded.ok && decoded.value.birthYear === Number(state.dateOfBirth.slice(0, 4))).toBe(true);
    }
  });

  it('bumps the household id sequence past the seeded households', async () => {
    const { rows: inserted } = await sql<{ household_id: number }>`
      INSERT INTO registry.household (commune_code, province_code, address)
      VALUES ('00004', '01', '{"scheme":"2025","communeCode":"00004","detail":""}')
      RETURNING household_id`.execute(database.db);
    const max = await count(
      database,
      sql`SELECT max(household_id)::int AS n FROM registry.household WHERE head_id_number IS NOT NULL`,
    );
    expect(Number(inserted[0]?.household_id)).toBe(max + 1);
  });

  it('adds to a database that already holds people without clashing', async () => {
    const before = await rows(database, 'registry.person', 'id_number');
    const result = await seedPopulation(database, { people: 1000, seed: 11, batchSize: 400 });
    expect(result.people).toBe(1000);
    expect(await count(database, sql`SELECT count(*)::int AS n FROM registry.person`)).toBe(4000);
    const names = new Set(before.map((row) => `${row.full_name}|${row.date_of_birth}`));
    const after = await rows(database, 'registry.person', 'id_number');
    const added = after.filter((row) => !before.some((old) => old.id_number === row.id_number));
    expect(added).toHaveLength(1000);
    // The same seed on a non-empty database gives other people, not copies.
    expect(added.filter((row) => names.has(`${row.full_name}|${row.date_of_birth}`)).length).toBeLessThan(50);
  });
});

describe(`seeding is deterministic, restrictable and interruptible (${testDatabaseKind()})`, () => {
  it('gives identical rows for the same seed and different ones for another', async () => {
    const seeded = async (seed: number, province?: string) => {
      const database = await testDatabase();
      try {
        await seedPopulation(database, {
          people: 1200,
          seed,
          batchSize: 500,
          ...(province ? { province } : {}),
        });
        return {
          household: await rows(database, 'registry.household', 'household_id'),
          householdEvent: await rows(database, 'registry.household_event', 'household_id, version'),
          person: await rows(database, 'registry.person', 'id_number'),
          personEvent: await rows(database, 'registry.person_event', 'id_number, version'),
        };
      } finally {
        await database.close();
      }
    };
    const first = await seeded(5);
    const second = await seeded(5);
    expect(second).toEqual(first);
    const other = await seeded(6, '01');
    // ID serials follow each prefix's sequence whatever the seed; the people differ.
    const key = (row: Record<string, unknown>) => `${row.full_name}|${row.date_of_birth}`;
    const people = new Set(first.person.map(key));
    expect(other.person.filter((row) => people.has(key(row))).length).toBeLessThan(12);
    expect(new Set(other.person.map((row) => row.permanent_province_code))).toEqual(new Set(['01']));
    expect(new Set(other.household.map((row) => row.province_code))).toEqual(new Set(['01']));
  });

  it('leaves only whole households when aborted after the first batch', async () => {
    const database = await testDatabase();
    try {
      const controller = new AbortController();
      const seeding = seedPopulation(database, {
        people: 5000,
        seed: 3,
        batchSize: 1000,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      await expect(seeding).rejects.toMatchObject({ name: 'AbortError' });
      const people = await count(database, sql`SELECT count(*)::int AS n FROM registry.person`);
      expect(people).toBeGreaterThanOrEqual(1000);
      expect(people).toBeLessThan(5000);
      expect(await integrityProblems(database)).toEqual(noProblems);
    } finally {
      await database.close();
    }
  });

  it('refuses an unknown province and does nothing for zero people', async () => {
    const database = await testDatabase();
    try {
      await expect(seedPopulation(database, { people: 10, province: '99' })).rejects.toThrow(/province/);
      expect(await seedPopulation(database, { people: 0 })).toEqual({ people: 0, households: 0, events: 0 });
    } finally {
      await database.close();
    }
  });
});
