import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
  await sql`INSERT INTO registry.person (id_number, full_name, name_key, date_of_birth, sex)
    VALUES ('001090000001', 'Nguyễn Văn A', 'nguyen van a', '1990-01-01', 'male')`.execute(database.db);
  await sql`INSERT INTO registry.person_event (id_number, version, type, actor, data)
    VALUES ('001090000001', 1, 'initial_load', 'test', '{"changes":{}}')`.execute(database.db);
});
afterAll(() => database.close());

describe(`append-only registry history (${testDatabaseKind()})`, () => {
  it('refuses to update, delete or truncate events', async () => {
    await expect(sql`UPDATE registry.person_event SET type = 'x'`.execute(database.db)).rejects.toThrow(
      /not allowed/,
    );
    await expect(sql`DELETE FROM registry.person_event`.execute(database.db)).rejects.toThrow(/not allowed/);
    await expect(sql`TRUNCATE registry.person_event`.execute(database.db)).rejects.toThrow(/not allowed/);
  });

  it('never deletes a person, so an ID number is never reused', async () => {
    await expect(sql`DELETE FROM registry.person`.execute(database.db)).rejects.toThrow(/not allowed/);
  });

  it('refuses a second event with the same version', async () => {
    await expect(
      sql`INSERT INTO registry.person_event (id_number, version, type, actor, data)
        VALUES ('001090000001', 1, 'field_corrected', 'test', '{"changes":{}}')`.execute(database.db),
    ).rejects.toMatchObject({ code: '23505', constraint: 'person_event_pkey' });
  });
});
