// The verifier: recomputes the log from its entries and checks it against every signed
// checkpoint. It trusts nothing stored except the entries' canonical text and the public keys.
import type { Database } from '@dinhdanh/db';
import { sql } from 'kysely';
import { type NoteKey, openCheckpoint } from '../checkpoint/signed-note.ts';
import { memberTree } from '../entry/audit-batch.ts';
import {
  batchMembers,
  type EntryRow,
  entryColumns,
  rowMatchesCanonical,
} from '../entry/audit-entry.repository.ts';
import { CompactRange, hashLeaf } from '../merkle/merkle.ts';
import { treeSize } from '../tree/tree.repository.ts';

export type ProblemKind =
  | 'checkpoint-signature' // a stored or given checkpoint note does not verify with a known key
  | 'checkpoint-mismatch' // a stored checkpoint's columns disagree with its signed note
  | 'checkpoint-root-mismatch' // the entries no longer hash to a signed root: altered, removed or reordered
  | 'truncated' // a checkpoint covers more leaves than the log holds
  | 'leaf-gap' // leaf indices are not contiguous: a leaf was removed
  | 'entry-missing' // a leaf's entry was removed
  | 'leaf-hash-mismatch' // an entry's canonical text no longer hashes to its leaf
  | 'entry-columns-mismatch' // an entry's columns no longer match its canonical text
  | 'tree-node-mismatch' // a stored tree node is missing or wrong: proofs from it would fail
  | 'entry-unsequenced' // an entry has neither a leaf nor a place in the sequencer's queue
  | 'batch-members-mismatch' // a batch entry's stored subjects no longer hash to its commitment
  | 'batch-member-stray'; // a stored subject belongs to no batch entry

export interface VerifyProblem {
  kind: ProblemKind;
  leafIndex?: number;
  entryId?: number;
  treeSize?: number;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Leaves whose entries were recomputed and found intact. */
  checkedEntries: number;
  /** Checkpoints whose signature and root were confirmed. */
  checkedCheckpoints: number;
  treeSize: number;
  firstProblem?: VerifyProblem;
}

export interface VerifyOptions {
  /**
   * Checkpoint notes kept outside the database (published, witnessed, held by auditors). They
   * catch what stored checkpoints cannot: someone who deletes the tail together with the
   * checkpoints that covered it.
   */
  externalCheckpoints?: readonly string[];
  /** Leaves read per query. */
  pageSize?: number;
  /** Called after each page with the leaves checked so far, for progress bars. */
  onProgress?: (checked: number, total: number) => void;
}

interface Target {
  treeSize: number;
  rootHash: Uint8Array;
  source: string;
}

class Found extends Error {
  readonly problem: VerifyProblem;
  constructor(problem: VerifyProblem) {
    super(problem.message);
    this.problem = problem;
  }
}

/**
 * Verifies the whole audit log: every checkpoint's signature (any of `publicKeys`, so keys
 * retired by rotation still count), every entry against its leaf and its own columns, every
 * signed root against the tree recomputed from the entries, and the stored tree nodes that
 * proofs are built from. Stops at the first problem, in log order.
 */
export async function verifyLog(
  database: Database,
  publicKeys: readonly NoteKey[],
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const db = database.db;
  const pageSize = options.pageSize ?? 5_000;
  let checkedEntries = 0;
  let checkedCheckpoints = 0;
  // Read checkpoints before the size: the log only grows, so every checkpoint read is ≤ size.
  const { rows: stored } = await sql<{
    tree_size: number | string;
    root_hash: Uint8Array;
    note: string;
  }>`SELECT tree_size, root_hash, note FROM audit.checkpoint ORDER BY tree_size`.execute(db);
  const size = await treeSize(db);

  try {
    const targets: Target[] = [];
    for (const row of stored) {
      const rowSize = Number(row.tree_size);
      let opened: ReturnType<typeof openCheckpoint>;
      try {
        opened = openCheckpoint(row.note, publicKeys);
      } catch (error) {
        throw new Found({
          kind: 'checkpoint-signature',
          treeSize: rowSize,
          message: `checkpoint ${rowSize}: ${(error as Error).message}`,
        });
      }
      if (opened.treeSize !== rowSize || !Buffer.from(opened.rootHash).equals(row.root_hash))
        throw new Found({
          kind: 'checkpoint-mismatch',
          treeSize: rowSize,
          message: `checkpoint ${rowSize}: the stored size or root differs from the signed note`,
        });
      targets.push({ treeSize: rowSize, rootHash: opened.rootHash, source: 'checkpoint' });
    }
    for (const [i, note] of (options.externalCheckpoints ?? []).entries()) {
      try {
        const opened = openCheckpoint(note, publicKeys);
        targets.push({ treeSize: opened.treeSize, rootHash: opened.rootHash, source: 'external checkpoint' });
      } catch (error) {
        throw new Found({
          kind: 'checkpoint-signature',
          message: `external checkpoint #${i + 1}: ${(error as Error).message}`,
        });
      }
    }
    targets.sort((a, b) => a.treeSize - b.treeSize);

    const range = new CompactRange();
    let nextTarget = 0;
    let lastGood = 0;
    const checkTargets = () => {
      for (; nextTarget < targets.length && targets[nextTarget]!.treeSize <= range.size; nextTarget++) {
        const target = targets[nextTarget]!;
        if (target.treeSize !== range.size) continue;
        if (!Buffer.from(range.root()).equals(target.rootHash))
          throw new Found({
            kind: 'checkpoint-root-mismatch',
            treeSize: target.treeSize,
            message:
              `${target.source} ${target.treeSize}: the entries do not hash to its signed root; ` +
              `leaves ${lastGood}–${target.treeSize - 1} were altered, removed or reordered`,
          });
        if (target.source === 'checkpoint') checkedCheckpoints++;
        lastGood = target.treeSize;
      }
    };
    checkTargets(); // checkpoints of the empty tree

    for (let from = 0; from < size; from += pageSize) {
      const { rows } = await sql<
        EntryRow & { leaf_index: number | string; entry_id: number | string; leaf_hash: Uint8Array }
      >`
        SELECT l.leaf_index, l.entry_id, l.leaf_hash, ${entryColumns}
          FROM audit.leaf l LEFT JOIN audit.entry e ON e.id = l.entry_id
         WHERE l.leaf_index >= ${from} AND l.leaf_index < ${from + pageSize}
         ORDER BY l.leaf_index`.execute(db);
      const levels: number[] = [];
      const indexes: number[] = [];
      const hashes: Uint8Array[] = [];
      for (const row of rows) {
        const leafIndex = range.size;
        const entryId = Number(row.entry_id);
        if (Number(row.leaf_index) !== leafIndex)
          throw new Found({ kind: 'leaf-gap', leafIndex, message: `leaf ${leafIndex} is missing` });
        if (row.id === null || row.id === undefined)
          throw new Found({
            kind: 'entry-missing',
            leafIndex,
            entryId,
            message: `entry ${entryId} (leaf ${leafIndex}) is missing`,
          });
        const hash = hashLeaf(Buffer.from(row.canonical, 'utf8'));
        if (!Buffer.from(hash).equals(row.leaf_hash))
          throw new Found({
            kind: 'leaf-hash-mismatch',
            leafIndex,
            entryId,
            message: `entry ${entryId} (leaf ${leafIndex}) does not hash to its leaf: it was altered or moved`,
          });
        if (!rowMatchesCanonical(row))
          throw new Found({
            kind: 'entry-columns-mismatch',
            leafIndex,
            entryId,
            message: `entry ${entryId} (leaf ${leafIndex}): its columns differ from its canonical text`,
          });
        if (row.members_root !== null) await checkMembers(database, entryId, leafIndex, row);
        range.append(hash, (level, index, node) => {
          levels.push(level);
          indexes.push(index);
          hashes.push(node);
        });
        checkedEntries++;
        checkTargets();
      }
      if (rows.length < Math.min(pageSize, size - from))
        throw new Found({
          kind: 'leaf-gap',
          leafIndex: range.size,
          message: `leaf ${range.size} is missing`,
        });
      await checkNodes(database, levels, indexes, hashes);
      options.onProgress?.(checkedEntries, size);
    }

    const beyond = targets.find((target) => target.treeSize > size);
    if (beyond)
      throw new Found({
        kind: 'truncated',
        treeSize: beyond.treeSize,
        message: `${beyond.source} ${beyond.treeSize} covers more leaves than the log holds (${size}): the log was truncated`,
      });

    // Batch entries not sequenced yet: their subjects against the commitment in their columns.
    const { rows: queued } = await sql<{
      id: number | string;
      members_count: number;
      members_root: Uint8Array;
    }>`
      SELECT e.id, e.members_count, e.members_root FROM audit.pending p JOIN audit.entry e ON e.id = p.entry_id
       WHERE e.members_root IS NOT NULL ORDER BY e.id`.execute(db);
    for (const row of queued) await checkMembers(database, Number(row.id), undefined, row);
    const { rows: strays } = await sql<{ entry_id: number | string }>`
      SELECT m.entry_id FROM (SELECT DISTINCT entry_id FROM audit.entry_member) m
       WHERE NOT EXISTS (SELECT 1 FROM audit.entry e WHERE e.id = m.entry_id AND e.members_root IS NOT NULL)
       ORDER BY m.entry_id LIMIT 1`.execute(db);
    if (strays[0])
      throw new Found({
        kind: 'batch-member-stray',
        entryId: Number(strays[0].entry_id),
        message: `audit.entry_member holds subjects of entry ${strays[0].entry_id}, which is no batch entry: they were added`,
      });

    const { rows: orphans } = await sql<{ id: number | string }>`
      SELECT e.id FROM audit.entry e
       WHERE NOT EXISTS (SELECT 1 FROM audit.leaf l WHERE l.entry_id = e.id)
         AND NOT EXISTS (SELECT 1 FROM audit.pending p WHERE p.entry_id = e.id)
       ORDER BY e.id LIMIT 1`.execute(db);
    if (orphans[0])
      throw new Found({
        kind: 'entry-unsequenced',
        entryId: Number(orphans[0].id),
        message: `entry ${orphans[0].id} was removed from the sequencer's queue without a leaf`,
      });
  } catch (error) {
    if (!(error instanceof Found)) throw error;
    return { ok: false, checkedEntries, checkedCheckpoints, treeSize: size, firstProblem: error.problem };
  }
  return { ok: true, checkedEntries, checkedCheckpoints, treeSize: size };
}

/**
 * Recomputes a batch entry's commitment from its stored subjects (ADR 0009). The commitment read
 * from the columns has been checked against the canonical text (for a sequenced entry) before.
 */
async function checkMembers(
  database: Database,
  entryId: number,
  leafIndex: number | undefined,
  commitment: { members_count: number | null; members_root: Uint8Array | null },
) {
  const members = await batchMembers(database.db, entryId);
  const where = `entry ${entryId}${leafIndex === undefined ? ' (not sequenced yet)' : ` (leaf ${leafIndex})`}`;
  const fail = (message: string) =>
    new Found({
      kind: 'batch-members-mismatch',
      entryId,
      ...(leafIndex === undefined ? {} : { leafIndex }),
      message,
    });
  if (members.subjectKeys.length !== commitment.members_count)
    throw fail(
      `${where}: audit.entry_member holds ${members.subjectKeys.length} subjects of this batch, ` +
        `its commitment counts ${commitment.members_count}: subjects were added or removed`,
    );
  const root = memberTree(members.subjectKeys, members.legalBases, members.details).root();
  if (!commitment.members_root || !Buffer.from(root).equals(commitment.members_root))
    throw fail(
      `${where}: its subjects in audit.entry_member no longer hash to its commitment: a subject was altered, added or removed`,
    );
}

/** Compares recomputed perfect subtrees with the stored ones proofs are built from. */
async function checkNodes(database: Database, levels: number[], indexes: number[], hashes: Uint8Array[]) {
  if (levels.length === 0) return;
  const { rows } = await sql<{ level: number; index: number | string; hash: Uint8Array | null }>`
    SELECT q.level, q.index, n.hash
      FROM unnest(${levels}::int[], ${indexes}::bigint[]) AS q(level, index)
      LEFT JOIN audit.tree_node n ON n.level = q.level AND n.index = q.index`.execute(database.db);
  const stored = new Map(rows.map((row) => [`${row.level}/${Number(row.index)}`, row.hash]));
  for (let i = 0; i < levels.length; i++) {
    const hash = stored.get(`${levels[i]}/${indexes[i]}`);
    if (!hash || !Buffer.from(hash).equals(hashes[i]!)) {
      const first = indexes[i]! * 2 ** levels[i]!;
      throw new Found({
        kind: 'tree-node-mismatch',
        leafIndex: first,
        message: `tree node ${levels[i]}/${indexes[i]} (leaves ${first}–${first + 2 ** levels[i]! - 1}) is ${hash ? 'wrong' : 'missing'}`,
      });
    }
  }
}
