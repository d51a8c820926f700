// Batch entries (ADR 0009): one entry per batch, its subjects in audit.entry_member. The citizen
// sees the batch in their access log with two proofs; the verifier catches a tampered side table.
import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { AppError, fixedClock, StaticKeyStore } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AccessLogEntryProof,
  accessLog,
  accessLogEntryProof,
  accessLogProofSubject,
  appendAuditBatch,
  appendAuditEntry,
  canonicalJson,
  checkpointSigner,
  checkpointVerifierKeys,
  createCheckpoint,
  hashLeaf,
  type NoteKey,
  prepareAuditBatch,
  subjectKey,
  verifyInclusion,
  verifyLog,
  verifyAccessLogEntryProof as verifyProof,
} from '../index.ts';

const keys = new StaticKeyStore({}, { 'audit-checkpoint': [new Uint8Array(32).fill(3)] });
const secret = new Uint8Array(32).fill(4);
const clock = fixedClock('2026-12-07T08:00:00.000Z');
// 13 people in the batch (not a power of two: the tree has a ragged right edge), one outside it.
const ids = Array.from({ length: 13 }, (_, i) => `0010900000${String(10 + i)}`);
const inBatch = ids.map((id) => subjectKey(secret, id));
const outsider = subjectKey(secret, '079195000002');
const CONSENT = "Sự đồng ý của công dân / the citizen's consent (c-7)";

const batchEntry = {
  actor: { kind: 'agency' as const, id: 'agency-tax', unit: 'Tổng cục Thuế' },
  action: 'exchange.person.matched',
  purpose: 'Đăng ký mã số thuế (tax.registration)',
  legalBasis: 'Luật Quản lý thuế 38/2019/QH14',
  details: { jobId: 'job-1' },
};
const members = inBatch.map((key, i) => ({
  subjectKey: key,
  details: { fields: ['fullName', 'dateOfBirth'], ...(i === 2 ? { released: ['dateOfBirth'] } : {}) },
  ...(i === 5 ? { legalBasis: CONSENT } : {}),
}));

let database: Database;
let publicKeys: NoteKey[];
afterEach(() => database?.close());
const verifyAccessLogEntryProof = (proof: AccessLogEntryProof) => verifyProof(proof, publicKeys);

/** An entry about the outsider, the batch (entry 2), another entry; all checkpointed. */
async function buildLog(): Promise<number> {
  database = await testDatabase();
  publicKeys = await checkpointVerifierKeys(keys);
  const officer = {
    actor: { kind: 'officer' as const, id: 'officer-1', unit: '00004' },
    action: 'registry.person.read',
  };
  await appendAuditEntry(database.db, { ...officer, subjectKey: outsider }, { clock });
  const batchId = await database.db
    .transaction()
    .execute((trx) => appendAuditBatch(trx, batchEntry, members, { clock }));
  await appendAuditEntry(database.db, { ...officer, subjectKey: inBatch[0] }, { clock });
  await createCheckpoint(database, await checkpointSigner(keys), { clock });
  expect(await verifyLog(database, publicKeys)).toMatchObject({ ok: true, checkedEntries: 3 });
  return batchId;
}

/** Runs SQL with every trigger switched off, as only a superuser can. */
async function tamper(statements: string): Promise<void> {
  await database.bulk(async (session) => {
    await session.exec('SET LOCAL session_replication_role = replica');
    await session.exec(statements);
  });
}

const hex = (key: string) => `'\\x${key}'::bytea`;

describe(`batch entries (${testDatabaseKind()})`, () => {
  it('commit in their canonical text to the count and Merkle root of their member records', async () => {
    const batchId = await buildLog();
    const { rows } = await sql<{ canonical: string; subject_key: Uint8Array | null; members: number }>`
      SELECT canonical, subject_key, (SELECT count(*)::int FROM audit.entry_member WHERE entry_id = e.id) AS members
        FROM audit.entry e WHERE id = ${batchId}`.execute(database.db);
    const canonical = JSON.parse(rows[0]!.canonical);
    expect(canonical).toMatchObject({ v: 2, subjectKey: null, members: { count: 13 } });
    expect(canonicalJson(canonical)).toBe(rows[0]!.canonical);
    expect(rows[0]!.subject_key).toBeNull();
    expect(rows[0]!.members).toBe(13);
    // The root is the RFC 9162 tree over the member records sorted by subject key.
    const sorted = members.toSorted((a, b) => (a.subjectKey < b.subjectKey ? -1 : 1));
    const leaves = sorted.map((member) =>
      hashLeaf(
        Buffer.from(
          canonicalJson({
            details: member.details,
            legalBasis: member.legalBasis ?? null,
            subjectKey: member.subjectKey,
          }),
        ),
      ),
    );
    const prepared = prepareAuditBatch(batchEntry, members, { clock });
    expect(prepared.entry.canonical).toBe(rows[0]!.canonical);
    expect(prepared.subjectKeys).toEqual(sorted.map((member) => member.subjectKey));
    const root = Buffer.from(canonical.members.root, 'hex');
    // Leaf 0 of a 13-leaf tree has a 4-hash path; verify it against the committed root by hand.
    const proof = (await accessLogEntryProof(database.db, batchId, { subjectKey: sorted[0]!.subjectKey }))!;
    expect(proof.member!.index).toBe(0);
    expect(
      verifyInclusion(
        leaves[0]!,
        0,
        13,
        proof.member!.proof.map((h) => Buffer.from(h, 'base64')),
        root,
      ),
    ).toBe(true);
    // Nothing about the people but their subject keys.
    expect(rows[0]!.canonical).not.toContain('0010900000');
  });

  it('a citizen in the batch sees the match with a verifiable proof; one outside does not', async () => {
    const batchId = await buildLog();
    const log = await accessLog(database.db, inBatch[2]!);
    expect(log.map((entry) => entry.entryId)).toEqual([batchId]);
    expect(log[0]).toMatchObject({
      entryId: batchId,
      recordedAt: new Date('2026-12-07T08:00:00.000Z'),
      actor: { kind: 'agency', id: 'agency-tax', unit: 'Tổng cục Thuế' },
      action: 'exchange.person.matched',
      purpose: batchEntry.purpose,
      legalBasis: batchEntry.legalBasis,
      details: { jobId: 'job-1', fields: ['fullName', 'dateOfBirth'], released: ['dateOfBirth'] },
      leafIndex: 1,
    });
    // Their own legal basis, when they have one (consent), replaces the batch's.
    expect((await accessLog(database.db, inBatch[5]!))[0]).toMatchObject({ legalBasis: CONSENT });
    // Batch and direct entries page together, newest first.
    const first = await accessLog(database.db, inBatch[0]!);
    expect(first.map((entry) => entry.entryId)).toEqual([batchId + 1, batchId]);
    expect(
      (await accessLog(database.db, inBatch[0]!, { before: batchId + 1 })).map((e) => e.entryId),
    ).toEqual([batchId]);
    expect(await accessLog(database.db, inBatch[0]!, { limit: 1 })).toHaveLength(1);

    const proof = (await accessLogEntryProof(database.db, batchId, { subjectKey: inBatch[2] }))!;
    expect(proof.member).toMatchObject({ count: 13 });
    expect(JSON.parse(proof.member!.canonical)).toEqual({
      details: { fields: ['fullName', 'dateOfBirth'], released: ['dateOfBirth'] },
      legalBasis: null,
      subjectKey: inBatch[2],
    });
    expect(accessLogProofSubject(proof)).toBe(inBatch[2]);
    expect(verifyAccessLogEntryProof(proof)).toBe(true);

    // The outsider: not in their log, and the batch's proof is refused to them like a missing entry.
    expect((await accessLog(database.db, outsider)).map((entry) => entry.action)).toEqual([
      'registry.person.read',
    ]);
    const refused = await accessLogEntryProof(database.db, batchId, { subjectKey: outsider }).catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'ERR_NOT_FOUND' });
    // Nor may a member ask for the proof of another person's own entry.
    const direct = await accessLogEntryProof(database.db, batchId - 1, { subjectKey: inBatch[2] }).catch(
      (e) => e,
    );
    expect(direct).toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('a membership proof fails when the record, its place, the count or the commitment is not the one signed', async () => {
    const batchId = await buildLog();
    const proof = (await accessLogEntryProof(database.db, batchId, { subjectKey: inBatch[7] }))!;
    expect(verifyAccessLogEntryProof(proof)).toBe(true);
    const member = proof.member!;
    const altered: AccessLogEntryProof[] = [
      { ...proof, member: { ...member, canonical: member.canonical.replace(inBatch[7]!, outsider) } },
      {
        ...proof,
        member: { ...member, canonical: member.canonical.replace('"legalBasis":null', `"legalBasis":"x"`) },
      },
      { ...proof, member: { ...member, index: (member.index + 1) % 13 } },
      { ...proof, member: { ...member, count: 14 } },
      { ...proof, member: { ...member, proof: member.proof.slice(1) } },
      // The entry's text claiming another root fails the entry's own inclusion proof.
      { ...proof, canonical: proof.canonical.replace(/"root":"[0-9a-f]{64}"/, `"root":"${'0'.repeat(64)}"`) },
    ];
    for (const bad of altered) expect(verifyAccessLogEntryProof(bad)).toBe(false);
    // The entry alone still proves that the batch is in the log.
    const { member: _, ...entryOnly } = proof;
    expect(verifyAccessLogEntryProof(entryOnly)).toBe(true);
    expect((await accessLogEntryProof(database.db, batchId))!.member).toBeUndefined();
  });

  it('audit verify fails, naming the entry, when a subject is added to a batch', async () => {
    const batchId = await buildLog();
    await tamper(`INSERT INTO audit.entry_member (subject_key, entry_id, details)
                  VALUES (${hex(outsider)}, ${batchId}, '{"fields":["fullName"]}')`);
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'batch-members-mismatch',
      entryId: batchId,
      leafIndex: 1,
      message: expect.stringMatching(/14 subjects .* counts 13/),
    });
  });

  it('… when a subject is removed', async () => {
    const batchId = await buildLog();
    await tamper(`DELETE FROM audit.entry_member WHERE subject_key = ${hex(inBatch[4]!)}`);
    const result = await verifyLog(database, publicKeys);
    expect(result.ok).toBe(false);
    expect(result.firstProblem).toMatchObject({ kind: 'batch-members-mismatch', entryId: batchId });
    expect(result.checkedEntries).toBe(1);
  });

  it('… when a subject is replaced by another, or what was done to a subject is changed', async () => {
    const batchId = await buildLog();
    await tamper(`UPDATE audit.entry_member SET subject_key = ${hex(outsider)}
                   WHERE subject_key = ${hex(inBatch[4]!)}`);
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'batch-members-mismatch',
      entryId: batchId,
      message: expect.stringMatching(/no longer hash to its commitment/),
    });
    await database.close();
    await buildLog();
    await tamper(
      `UPDATE audit.entry_member SET details = '{"fields":[]}' WHERE subject_key = ${hex(inBatch[2]!)}`,
    );
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'batch-members-mismatch',
      entryId: batchId,
    });
  });

  it('… when a subject is removed and another added, keeping the count', async () => {
    const batchId = await buildLog();
    await tamper(`DELETE FROM audit.entry_member WHERE subject_key = ${hex(inBatch[9]!)};
                  INSERT INTO audit.entry_member (subject_key, entry_id, details)
                  VALUES (${hex(outsider)}, ${batchId}, '{"fields":["fullName","dateOfBirth"]}')`);
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'batch-members-mismatch',
      entryId: batchId,
    });
  });

  it('… when subjects are attached to an entry that is no batch', async () => {
    const batchId = await buildLog();
    await tamper(`INSERT INTO audit.entry_member (subject_key, entry_id, details)
                  VALUES (${hex(outsider)}, ${batchId + 1}, '{}')`);
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'batch-member-stray',
      entryId: batchId + 1,
    });
  });

  it('… when the commitment in the columns is changed to match a tampered side table', async () => {
    const batchId = await buildLog();
    await tamper(`UPDATE audit.entry SET members_count = 12 WHERE id = ${batchId};
                  DELETE FROM audit.entry_member WHERE subject_key = ${hex(inBatch[1]!)}`);
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'entry-columns-mismatch',
      entryId: batchId,
    });
  });

  it('checks a batch entry not sequenced yet against its own columns', async () => {
    await buildLog();
    const pending = await appendAuditBatch(database.db, batchEntry, members.slice(0, 3), { clock });
    expect((await verifyLog(database, publicKeys)).ok).toBe(true);
    await tamper(
      `DELETE FROM audit.entry_member WHERE entry_id = ${pending} AND subject_key = ${hex(inBatch[0]!)}`,
    );
    expect((await verifyLog(database, publicKeys)).firstProblem).toMatchObject({
      kind: 'batch-members-mismatch',
      entryId: pending,
    });
  });

  it('the side table is append-only, and batches are refused malformed', async () => {
    const batchId = await buildLog();
    await expect(
      sql`UPDATE audit.entry_member SET details = '{}' WHERE entry_id = ${batchId}`.execute(database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit.entry_member`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(appendAuditBatch(database.db, batchEntry, [])).rejects.toThrow(/at least one member/);
    await expect(
      appendAuditBatch(database.db, batchEntry, [members[0]!, { subjectKey: members[0]!.subjectKey }]),
    ).rejects.toThrow(/twice/);
    await expect(appendAuditBatch(database.db, batchEntry, [{ subjectKey: '001090000010' }])).rejects.toThrow(
      /subjectKey/,
    );
    await expect(
      appendAuditBatch(database.db, { ...batchEntry, subjectKey: outsider }, members),
    ).rejects.toThrow(/members/);
    expect((await verifyLog(database, publicKeys)).ok).toBe(true);
  });
});
