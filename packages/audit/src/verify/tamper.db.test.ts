// Tampering as a superuser who switches the protection off, then asks the verifier.
import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { fixedClock, StaticKeyStore } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendAuditEntries,
  appendAuditEntry,
  checkpointSigner,
  checkpointVerifierKeys,
  createCheckpoint,
  hashChildren,
  hashLeaf,
  type NoteKey,
  sequence,
  subjectKey,
  verifyLog,
} from '../index.ts';

const keys = new StaticKeyStore({}, { 'audit-checkpoint': [new Uint8Array(32).fill(3)] });
const subject = subjectKey(new Uint8Array(32).fill(4), '001090000001');
const clock = fixedClock('2026-03-01T08:00:00.000Z');

let database: Database;
let publicKeys: NoteKey[];
afterEach(() => database?.close());

/** 20 entries, checkpoints at 12 and at 20. Entry ids are 1…20, leaf i holds entry i + 1. */
async function buildLog(): Promise<Database> {
  database = await testDatabase();
  const signer = await checkpointSigner(keys);
  publicKeys = await checkpointVerifierKeys(keys);
  const entry = (i: number) => ({
    actor: { kind: 'officer' as const, id: `officer-${i}`, unit: '00004' },
    action: 'registry.person.read',
    subjectKey: subject,
    purpose: 'check',
    details: { i },
  });
  await appendAuditEntries(
    database.db,
    Array.from({ length: 12 }, (_, i) => entry(i)),
    { clock },
  );
  await createCheckpoint(database, signer, { clock });
  await appendAuditEntries(
    database.db,
    Array.from({ length: 8 }, (_, i) => entry(12 + i)),
    { clock },
  );
  await createCheckpoint(database, signer, { clock });
  expect(await verifyLog(database, publicKeys)).toMatchObject({
    ok: true,
    checkedEntries: 20,
    checkedCheckpoints: 2,
  });
  return database;
}

/** Runs SQL with every trigger (and foreign key) switched off, as only a superuser can. */
async function tamper(statements: string): Promise<void> {
  await database.bulk(async (session) => {
    await session.exec('SET LOCAL session_replication_role = replica');
    await session.exec(statements);
  });
}

describe(`the verifier catches tampering (${testDatabaseKind()})`, () => {
  it('an altered entry', async () => {
    await buildLog();
    await tamper(`UPDATE audit.entry SET actor_id = 'officer-x',
                    canonical = replace(canonical, '"officer-5"', '"officer-x"') WHERE id = 6`);
    const result = await verifyLog(database, publicKeys);
    expect(result.ok).toBe(false);
    expect(result.firstProblem).toMatchObject({ kind: 'leaf-hash-mismatch', leafIndex: 5, entryId: 6 });
    expect(result.checkedEntries).toBe(5);
  });

  it('an altered column that the canonical text does not show', async () => {
    await buildLog();
    await tamper(`UPDATE audit.entry SET purpose = 'nothing to see' WHERE id = 15`);
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'entry-columns-mismatch',
      leafIndex: 14,
      entryId: 15,
    });
  });

  it('a deleted entry', async () => {
    await buildLog();
    await tamper('DELETE FROM audit.entry WHERE id = 9');
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'entry-missing',
      leafIndex: 8,
      entryId: 9,
    });
  });

  it('a deleted entry together with its leaf', async () => {
    await buildLog();
    await tamper('DELETE FROM audit.leaf WHERE entry_id = 9; DELETE FROM audit.entry WHERE id = 9');
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'leaf-gap',
      leafIndex: 8,
    });
  });

  it('two entries swapped', async () => {
    await buildLog();
    await tamper(`
      CREATE TEMP TABLE swap AS SELECT * FROM audit.entry WHERE id IN (3, 4);
      UPDATE audit.entry e SET recorded_at = s.recorded_at, actor_id = s.actor_id, details = s.details,
                               canonical = s.canonical
        FROM swap s WHERE (e.id, s.id) IN ((3, 4), (4, 3));`);
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'leaf-hash-mismatch',
      leafIndex: 2,
      entryId: 3,
    });
  });

  it('two leaves reordered, leaf hashes and all', async () => {
    await buildLog();
    await tamper(`
      UPDATE audit.leaf SET entry_id = -entry_id WHERE leaf_index IN (3, 4);
      UPDATE audit.leaf l SET entry_id = o.entry_id, leaf_hash = o.leaf_hash
        FROM (SELECT leaf_index, -entry_id AS entry_id, leaf_hash FROM audit.leaf WHERE leaf_index IN (3, 4)) o
       WHERE (l.leaf_index, o.leaf_index) IN ((3, 4), (4, 3));`);
    const result = await verifyLog(database, publicKeys);
    expect(result.ok).toBe(false);
    expect(result.firstProblem!.kind).toBe('checkpoint-root-mismatch');
    expect(result.firstProblem!.message).toMatch(/leaves 0–11/);
  });

  it('an entry rewritten with its leaf and the whole tree rebuilt: only the signed checkpoint knows', async () => {
    await buildLog();
    const { rows } = await sql<{ canonical: string }>`
      SELECT canonical FROM audit.entry e JOIN audit.leaf l ON l.entry_id = e.id ORDER BY l.leaf_index`.execute(
      database.db,
    );
    const canonicals = rows.map((row) => row.canonical);
    canonicals[15] = canonicals[15]!.replace('"officer-15"', '"officer-y"');
    const leaves = canonicals.map((text) => hashLeaf(Buffer.from(text)));
    const nodes: string[] = [];
    let level = leaves;
    for (let l = 1; level.length > 1; l++) {
      const next: Uint8Array[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) {
        next.push(hashChildren(level[i]!, level[i + 1]!));
        nodes.push(`(${l}, ${i / 2}, '\\x${Buffer.from(next.at(-1)!).toString('hex')}')`);
      }
      level = next;
    }
    await tamper(`
      UPDATE audit.entry SET actor_id = 'officer-y', canonical = '${canonicals[15]}' WHERE id = 16;
      UPDATE audit.leaf SET leaf_hash = '\\x${Buffer.from(leaves[15]!).toString('hex')}' WHERE leaf_index = 15;
      DELETE FROM audit.tree_node;
      INSERT INTO audit.tree_node (level, index, hash) VALUES ${nodes.join(', ')};`);
    const result = await verifyLog(database, publicKeys);
    expect(result.firstProblem).toMatchObject({ kind: 'checkpoint-root-mismatch', treeSize: 20 });
    expect(result.firstProblem!.message).toMatch(/leaves 12–19/);
    expect(result.checkedCheckpoints).toBe(1);
  });

  it('the tail truncated behind a checkpoint', async () => {
    await buildLog();
    await tamper(`
      DELETE FROM audit.leaf WHERE leaf_index >= 17;
      DELETE FROM audit.tree_node WHERE (index + 1) * (2::bigint ^ level)::bigint > 17;
      DELETE FROM audit.entry WHERE id > 17;`);
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'truncated',
      treeSize: 20,
    });
  });

  it('the tail truncated with its checkpoint, against a checkpoint kept outside', async () => {
    await buildLog();
    const { rows } = await sql<{
      note: string;
    }>`SELECT note FROM audit.checkpoint WHERE tree_size = 20`.execute(database.db);
    await tamper(`
      DELETE FROM audit.checkpoint WHERE tree_size = 20;
      DELETE FROM audit.leaf WHERE leaf_index >= 17;
      DELETE FROM audit.tree_node WHERE (index + 1) * (2::bigint ^ level)::bigint > 17;
      DELETE FROM audit.entry WHERE id > 17;`);
    expect((await verifyLog(database, publicKeys)).ok).toBe(true); // nothing inside the database shows it
    const outside = await verifyLog(database, publicKeys, { externalCheckpoints: [rows[0]!.note] });
    expect(outside.firstProblem).toMatchObject({ kind: 'truncated', treeSize: 20 });
  });

  it('a forged checkpoint', async () => {
    await buildLog();
    await tamper(`UPDATE audit.checkpoint SET note = replace(note, E'\\n12\\n', E'\\n11\\n'), tree_size = 11
                   WHERE tree_size = 12`);
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'checkpoint-signature',
      treeSize: 11,
    });
  });

  it('a checkpoint row whose stored root is not the one its note signs', async () => {
    await buildLog();
    await tamper(`UPDATE audit.checkpoint SET root_hash = sha256('x') WHERE tree_size = 12`);
    expect((await verifyLog(database, publicKeys)).firstProblem).toEqual({
      kind: 'checkpoint-mismatch',
      treeSize: 12,
      message: 'checkpoint 12: the stored size or root differs from the signed note',
    });
  });

  it('a checkpoint kept outside that is not signed by the log', async () => {
    await buildLog();
    const { rows } = await sql<{
      note: string;
    }>`SELECT note FROM audit.checkpoint WHERE tree_size = 12`.execute(database.db);
    const good = rows[0]!.note;
    expect((await verifyLog(database, publicKeys, { externalCheckpoints: [good] })).ok).toBe(true);
    const forged = good.replace('\n12\n', '\n13\n');
    const result = await verifyLog(database, publicKeys, { externalCheckpoints: [good, forged] });
    expect(result.ok).toBe(false);
    expect(result.firstProblem).toMatchObject({ kind: 'checkpoint-signature' });
    expect(result.firstProblem?.message).toMatch(/^external checkpoint #2: /);
  });

  it('a checkpoint signed by a key that is not the log’s', async () => {
    await buildLog();
    const stranger = new StaticKeyStore({}, { 'audit-checkpoint': [new Uint8Array(32).fill(5)] });
    expect((await verifyLog(database, await checkpointVerifierKeys(stranger))).firstProblem).toMatchObject({
      kind: 'checkpoint-signature',
    });
  });

  it('a damaged tree node that proofs would be built from', async () => {
    await buildLog();
    await tamper(`UPDATE audit.tree_node SET hash = sha256('x') WHERE level = 2 AND index = 4`);
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'tree-node-mismatch',
      leafIndex: 16,
    });
  });

  it('an entry dropped from the sequencer queue before it got a leaf', async () => {
    await buildLog();
    const id = await appendAuditEntry(database.db, {
      actor: { kind: 'system', id: 'x' },
      action: 'audit.test',
    });
    await tamper(`DELETE FROM audit.pending WHERE entry_id = ${id}`);
    await sequence(database);
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'entry-unsequenced',
      entryId: id,
    });
  });
});
