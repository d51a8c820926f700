import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Database, openDatabase } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { FileKeyStore, fixedClock } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditEntryInput,
  accessLog,
  accessLogEntryProof,
  appendAuditEntries,
  appendAuditEntry,
  checkpointSigner,
  checkpointVerifierKeys,
  consistencyProof,
  createCheckpoint,
  EMPTY_ROOT,
  hashChildren,
  hashLeaf,
  inclusionProof,
  openCheckpoint,
  rootAt,
  sequence,
  startCheckpointer,
  subjectKey,
  treeSize,
  verifyAccessLogEntryProof,
  verifyConsistency,
  verifyInclusion,
  verifyLog,
} from './index.ts';

const kind = testDatabaseKind();
const subjectSecret = new Uint8Array(32).fill(9);
const alice = subjectKey(subjectSecret, '001090000001');
const bob = subjectKey(subjectSecret, '079195000002');
const clock = fixedClock('2026-03-01T08:00:00.000Z');

const read = (i: number, subject = alice): AuditEntryInput => ({
  actor: { kind: 'officer', id: `officer-${i % 3}`, unit: '00004' },
  action: 'registry.person.read',
  subjectKey: subject,
  purpose: 'residence application',
  legalBasis: 'Law 68/2020/QH14 Art. 9',
  details: { request: i, fields: ['fullName', 'dateOfBirth'] },
});

function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

async function leafHashesFromEntries(database: Database): Promise<Uint8Array[]> {
  const { rows } = await sql<{ canonical: string }>`
    SELECT e.canonical FROM audit.leaf l JOIN audit.entry e ON e.id = l.entry_id ORDER BY l.leaf_index`.execute(
    database.db,
  );
  return rows.map((row) => hashLeaf(Buffer.from(row.canonical, 'utf8')));
}

let database: Database;
let keysDir: string;
let keys: FileKeyStore;
beforeAll(async () => {
  database = await testDatabase();
  keysDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-audit-keys-'));
  keys = new FileKeyStore(keysDir, { allowCreate: true });
});
afterAll(async () => {
  await database.close();
  rmSync(keysDir, { recursive: true, force: true });
});

describe(`audit log (${kind})`, () => {
  it('stores an entry with its canonical RFC 8785 text and no raw ID number', async () => {
    const id = await database.db
      .transaction()
      .execute((trx) => appendAuditEntry(trx, { ...read(1), details: { z: 1, a: 'ấ' } }, { clock }));
    const { rows } = await sql<{ canonical: string; subject_key: string }>`
      SELECT canonical, encode(subject_key, 'hex') AS subject_key FROM audit.entry WHERE id = ${id}`.execute(
      database.db,
    );
    expect(rows[0]!.canonical).toBe(
      `{"action":"registry.person.read","actor":{"id":"officer-1","kind":"officer","unit":"00004"},` +
        `"details":{"a":"ấ","z":1},"legalBasis":"Law 68/2020/QH14 Art. 9","purpose":"residence application",` +
        `"recordedAt":"2026-03-01T08:00:00.000Z","subjectKey":"${alice}","v":1}`,
    );
    expect(rows[0]!.subject_key).toBe(alice);
    expect(rows[0]!.canonical).not.toContain('001090000001');
  });

  it('refuses malformed entries, including a raw ID number as subject', async () => {
    await expect(appendAuditEntry(database.db, { ...read(1), subjectKey: '001090000001' })).rejects.toThrow();
    await expect(appendAuditEntry(database.db, { ...read(1), action: 'Read Person' })).rejects.toThrow();
    expect(() => subjectKey(subjectSecret, '12345')).toThrow();
  });

  it('an entry written in a rolled-back transaction disappears with the change it described', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit.entry`.execute(database.db);
    await expect(
      database.db.transaction().execute(async (trx) => {
        await appendAuditEntry(trx, read(2), { clock });
        throw new Error('the registry change failed');
      }),
    ).rejects.toThrow(/registry change failed/);
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit.entry`.execute(database.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('sequences entries into contiguous leaves whose roots and proofs match the RFC 9162 definitions', async () => {
    // Several batches with sequencing in between, so the sequencer resumes from stored borders.
    for (const batch of [5, 1, 10, 17]) {
      await appendAuditEntries(
        database.db,
        Array.from({ length: batch }, (_, i) => read(i)),
        { clock },
      );
      await sequence(database, { batchSize: 7 });
    }
    const leaves = await leafHashesFromEntries(database);
    const size = await treeSize(database.db);
    expect(size).toBe(leaves.length);
    expect(size).toBe(1 + 33);
    for (let n = 1; n <= size; n++) {
      const root = mth(leaves.slice(0, n));
      expect(await rootAt(database.db, n)).toEqual(root);
      for (let m = 0; m < n; m += 3) {
        const proof = await inclusionProof(database.db, m, n);
        expect(verifyInclusion(leaves[m]!, m, n, proof, root)).toBe(true);
      }
      for (let m = 1; m <= n; m += 4) {
        const proof = await consistencyProof(database.db, m, n);
        expect(verifyConsistency(m, n, mth(leaves.slice(0, m)), root, proof)).toBe(true);
      }
    }
    await expect(inclusionProof(database.db, 0, size + 1)).rejects.toThrow(/beyond the current size/);
    await expect(inclusionProof(database.db, size, size)).rejects.toThrow();
  });

  it('concurrent sequencers assign every entry exactly one leaf', async () => {
    const writers = Array.from({ length: 6 }, (_, w) =>
      database.db.transaction().execute((trx) =>
        appendAuditEntries(
          trx,
          Array.from({ length: 25 }, (_, i) => read(w * 100 + i, bob)),
          { clock },
        ),
      ),
    );
    const sequencers = Array.from({ length: 4 }, () => sequence(database, { batchSize: 16 }));
    await Promise.all([...writers, ...sequencers]);
    await sequence(database);
    const { rows } = await sql<{ entries: number; leaves: number; max: number; distinct: number }>`
      SELECT (SELECT count(*)::int FROM audit.entry) AS entries, count(*)::int AS leaves,
             max(leaf_index)::int AS max, count(DISTINCT entry_id)::int AS distinct
        FROM audit.leaf`.execute(database.db);
    expect(rows[0]).toEqual({
      entries: rows[0]!.leaves,
      leaves: rows[0]!.leaves,
      max: rows[0]!.leaves - 1,
      distinct: rows[0]!.leaves,
    });
    const leaves = await leafHashesFromEntries(database);
    expect(await rootAt(database.db, leaves.length)).toEqual(mth(leaves));
  });

  it('signs checkpoints in the C2SP format and keeps old ones verifiable after key rotation', async () => {
    const signer = await checkpointSigner(keys, { origin: 'dinhdanh.test/audit' });
    const first = await createCheckpoint(database, signer, { clock });
    expect(first.note).toMatch(
      /^dinhdanh\.test\/audit\n\d+\n[A-Za-z0-9+/]{43}=\ntime 2026-03-01T08:00:00Z\n\n— dinhdanh\.test\/audit [A-Za-z0-9+/]+=*\n$/,
    );
    expect(first.treeSize).toBe(await treeSize(database.db));
    // Nothing new: the same checkpoint comes back.
    expect((await createCheckpoint(database, signer, { clock })).note).toBe(first.note);

    await keys.rotateSigningKey('audit-checkpoint');
    const rotated = await checkpointSigner(keys, { origin: 'dinhdanh.test/audit' });
    expect(rotated.publicKey).not.toEqual(signer.publicKey);
    await appendAuditEntry(database.db, read(99), { clock });
    const second = await createCheckpoint(database, rotated, { clock });
    expect(second.treeSize).toBe(first.treeSize + 1);
    expect(second.keyId).not.toBe(first.keyId);

    const verifierKeys = await checkpointVerifierKeys(keys, { origin: 'dinhdanh.test/audit' });
    expect(verifierKeys).toHaveLength(2);
    expect(openCheckpoint(first.note, verifierKeys).treeSize).toBe(first.treeSize);
    expect(() =>
      openCheckpoint(first.note, [{ name: rotated.name, publicKey: rotated.publicKey }]),
    ).toThrow();
    // The two signed trees are consistent.
    const proof = await consistencyProof(database.db, first.treeSize, second.treeSize);
    expect(verifyConsistency(first.treeSize, second.treeSize, first.rootHash, second.rootHash, proof)).toBe(
      true,
    );

    const result = await verifyLog(database, verifierKeys);
    expect(result).toEqual({
      ok: true,
      checkedEntries: second.treeSize,
      checkedCheckpoints: 2,
      treeSize: second.treeSize,
    });
  });

  it("serves a citizen's access log, newest first, each entry with a verifiable proof", async () => {
    const signer = await checkpointSigner(keys, { origin: 'dinhdanh.test/audit' });
    const verifierKeys = await checkpointVerifierKeys(keys, { origin: 'dinhdanh.test/audit' });
    const newest = await appendAuditEntry(
      database.db,
      { ...read(7), action: 'registry.birth_registered' },
      { clock },
    );

    const page = await accessLog(database.db, alice, { limit: 3 });
    expect(page.map((entry) => entry.entryId)).toEqual(
      [...page.map((entry) => entry.entryId)].sort((a, b) => b - a),
    );
    expect(page[0]).toMatchObject({
      entryId: newest,
      action: 'registry.birth_registered',
      actor: { kind: 'officer', id: 'officer-1', unit: '00004' },
      purpose: 'residence application',
      legalBasis: 'Law 68/2020/QH14 Art. 9',
      leafIndex: null,
    });
    expect(await accessLogEntryProof(database.db, newest)).toBeUndefined();
    const next = await accessLog(database.db, alice, { limit: 3, before: page.at(-1)!.entryId });
    expect(next[0]!.entryId).toBeLessThan(page.at(-1)!.entryId);
    expect(
      (await accessLog(database.db, bob, { limit: 500 })).every((entry) => entry.actor.kind === 'officer'),
    ).toBe(true);

    await createCheckpoint(database, signer, { clock });
    const [latest] = await accessLog(database.db, alice, { limit: 1 });
    expect(latest!.leafIndex).not.toBeNull();
    for (const entry of [latest!, page.at(-1)!]) {
      const proof = await accessLogEntryProof(database.db, entry.entryId);
      expect(proof).toBeDefined();
      expect(verifyAccessLogEntryProof(proof!, verifierKeys)).toBe(true);
      // A proof moved onto another entry fails.
      expect(
        verifyAccessLogEntryProof(
          { ...proof!, leafIndex: (proof!.leafIndex + 1) % proof!.treeSize },
          verifierKeys,
        ),
      ).toBe(false);
      expect(
        verifyAccessLogEntryProof(
          { ...proof!, canonical: proof!.canonical.replace('officer', 'citizen') },
          verifierKeys,
        ),
      ).toBe(false);
    }
    await expect(accessLogEntryProof(database.db, 10_000_000)).rejects.toThrow(/does not exist/);
  });

  it('the checkpointer writes checkpoints on its timer', async () => {
    const signer = await checkpointSigner(keys, { origin: 'dinhdanh.test/audit' });
    await appendAuditEntry(database.db, read(5), { clock });
    const checkpointer = startCheckpointer(database, signer, { every: 20 });
    const size = await treeSize(database.db);
    for (let i = 0; i < 200 && (await treeSize(database.db)) === size; i++)
      await new Promise((r) => setTimeout(r, 20));
    await checkpointer.stop();
    const { rows } = await sql<{ n: number }>`SELECT max(tree_size)::int AS n FROM audit.checkpoint`.execute(
      database.db,
    );
    expect(rows[0]!.n).toBe(size + 1);
  });
});

describe(`a crash between an entry and its checkpoint (${kind})`, () => {
  it('loses nothing: after a restart the next checkpoint covers the entry', async () => {
    let db = await testDatabase();
    const store = new FileKeyStore(keysDir, { allowCreate: true });
    const signer = await checkpointSigner(store, { origin: 'dinhdanh.test/audit' });
    await createCheckpoint(db, signer, { clock });
    const id = await db.db.transaction().execute((trx) => appendAuditEntry(trx, read(1), { clock }));
    // "Crash": close without sequencing or checkpointing, then open the same data again.
    if (db.kind === 'postgres') {
      const url = (db as Database & { url: string }).url;
      await db.close();
      db = await openDatabase({ url, poolSize: 2 });
    } else {
      const dump = await db.dumpDataDir!();
      await db.close();
      db = await openDatabase({ loadDataDir: dump });
    }
    try {
      expect(await accessLogEntryProof(db.db, id)).toBeUndefined();
      const checkpoint = await createCheckpoint(db, signer, { clock });
      expect(checkpoint.treeSize).toBe(1);
      const proof = await accessLogEntryProof(db.db, id);
      expect(
        verifyAccessLogEntryProof(
          proof!,
          await checkpointVerifierKeys(store, { origin: 'dinhdanh.test/audit' }),
        ),
      ).toBe(true);
    } finally {
      await db.close();
    }
  });
});
