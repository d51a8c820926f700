import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { StaticKeyStore } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEntries, appendAuditEntry, checkpointSigner, createCheckpoint } from './index.ts';

const entry = { actor: { kind: 'system' as const, id: 'test' }, action: 'audit.test' };

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
  await appendAuditEntries(database.db, [entry, entry, entry]);
  const keys = new StaticKeyStore({}, { 'audit-checkpoint': [new Uint8Array(32).fill(1)] });
  await createCheckpoint(database, await checkpointSigner(keys));
});
afterAll(() => database.close());

describe(`append-only audit log (${testDatabaseKind()})`, () => {
  it.each([
    ['audit.entry', `UPDATE audit.entry SET actor_id = 'x'`],
    ['audit.entry', 'DELETE FROM audit.entry'],
    ['audit.entry', 'TRUNCATE audit.entry CASCADE'],
    ['audit.leaf', `UPDATE audit.leaf SET leaf_hash = sha256('x')`],
    ['audit.leaf', 'DELETE FROM audit.leaf'],
    ['audit.leaf', 'TRUNCATE audit.leaf CASCADE'],
    ['audit.tree_node', `UPDATE audit.tree_node SET hash = sha256('x')`],
    ['audit.tree_node', 'DELETE FROM audit.tree_node'],
    ['audit.tree_node', 'TRUNCATE audit.tree_node'],
    ['audit.checkpoint', `UPDATE audit.checkpoint SET note = 'x'`],
    ['audit.checkpoint', 'DELETE FROM audit.checkpoint'],
    ['audit.checkpoint', 'TRUNCATE audit.checkpoint'],
  ])('%s refuses: %s', async (_, statement) => {
    await expect(sql.raw(statement).execute(database.db)).rejects.toThrow(
      /not allowed on the append-only audit log/,
    );
  });

  it('gives the application role append and sequencing rights only', async () => {
    const { rows } = await sql<{ table: string; privilege: string; granted: boolean }>`
      SELECT t AS table, p AS privilege, has_table_privilege('dinhdanh_app', t, p) AS granted
        FROM unnest(ARRAY['audit.entry', 'audit.leaf', 'audit.tree_node', 'audit.checkpoint']) AS t,
             unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p`.execute(database.db);
    for (const row of rows)
      expect(row.granted, `${row.table} ${row.privilege}`).toBe(['SELECT', 'INSERT'].includes(row.privilege));
  });

  it('the application role can append but the database refuses it an UPDATE before any trigger runs', async () => {
    const id = await database.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL ROLE dinhdanh_app`.execute(trx);
      return appendAuditEntry(trx, entry);
    });
    expect(id).toBeGreaterThan(0);
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL ROLE dinhdanh_app`.execute(trx);
        await sql`UPDATE audit.entry SET actor_id = 'x' WHERE id = ${id}`.execute(trx);
      }),
    ).rejects.toThrow(/permission denied/);
  });
});
