// The sequencer: the one writer of the Merkle tree. It gives committed entries contiguous leaf
// indices and stores the perfect subtrees they complete.
import type { Database, Db } from '@dinhdanh/db';
import { sql } from 'kysely';
import { CompactRange, hashLeaf, rangeNodes } from '../merkle/merkle.ts';
import { fetchNodes, treeSize } from './tree.repository.ts';

// One sequencer at a time across every process on the database. Any constant works, as long
// as all processes use the same one (the migration lock is a different constant).
export const SEQUENCER_LOCK_KEY = 69_629_162;

const BATCH = 10_000;

/** Takes the sequencer lock for the rest of the transaction, waiting for another sequencer to finish. */
export async function lockSequencer(trx: Db): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${SEQUENCER_LOCK_KEY})`.execute(trx);
}

/** Sequences one batch inside a transaction that holds the lock; returns how many entries it took. */
async function sequenceBatch(
  trx: Db,
  limit: number,
): Promise<{ added: number; size: number; lastEntryId: number | undefined }> {
  const { rows: pending } = await sql<{ entry_id: number | string; canonical: string }>`
    SELECT p.entry_id, e.canonical
      FROM (SELECT entry_id FROM audit.pending ORDER BY entry_id LIMIT ${limit}) p
      JOIN audit.entry e ON e.id = p.entry_id
     ORDER BY p.entry_id`.execute(trx);
  const size = await treeSize(trx);
  if (pending.length === 0) return { added: 0, size, lastEntryId: undefined };

  const border = rangeNodes(0, size);
  const found = await fetchNodes(trx, border);
  const range = new CompactRange(
    size,
    border.map((node) => {
      const hash = found.get(`${node.level}/${node.index}`);
      if (!hash) throw new Error(`audit tree node ${node.level}/${node.index} is missing`);
      return hash;
    }),
  );

  // Hashes travel as one bytea each for leaves and nodes (32 bytes apiece), split by the
  // database, so nothing per hash needs encoding or escaping on the way.
  const firstLeaf = range.size;
  const entryIds: number[] = [];
  const leafHashes: Uint8Array[] = [];
  const nodeLevels: number[] = [];
  const nodeIndexes: number[] = [];
  const nodeHashes: Uint8Array[] = [];
  for (const row of pending) {
    const hash = hashLeaf(Buffer.from(row.canonical, 'utf8'));
    entryIds.push(Number(row.entry_id));
    leafHashes.push(hash);
    range.append(hash, (level, index, node) => {
      nodeLevels.push(level);
      nodeIndexes.push(index);
      nodeHashes.push(node);
    });
  }
  await sql`
    INSERT INTO audit.leaf (leaf_index, entry_id, leaf_hash)
    SELECT ${firstLeaf}::bigint + n - 1, e, substring(${Buffer.concat(leafHashes)}::bytea FROM ((n - 1) * 32 + 1)::int FOR 32)
      FROM unnest(${entryIds}::bigint[]) WITH ORDINALITY AS u(e, n)`.execute(trx);
  if (nodeLevels.length > 0)
    await sql`
      INSERT INTO audit.tree_node (level, index, hash)
      SELECT l, i, substring(${Buffer.concat(nodeHashes)}::bytea FROM ((n - 1) * 32 + 1)::int FOR 32)
        FROM unnest(${nodeLevels}::int[], ${nodeIndexes}::bigint[]) WITH ORDINALITY AS u(l, i, n)`.execute(
      trx,
    );
  await sql`DELETE FROM audit.pending WHERE entry_id = ANY(${entryIds}::bigint[])`.execute(trx);
  return { added: pending.length, size: range.size, lastEntryId: entryIds.at(-1) };
}

export interface SequenceResult {
  /** Entries given a leaf by this call. */
  sequenced: number;
  /** The tree size afterwards. */
  treeSize: number;
}

/**
 * Gives every entry committed before the call the next leaf index, in id order, and stores the
 * tree nodes this completes. One batch per transaction under an advisory lock, so any number
 * of processes may call it at once. It stops at the newest entry queued when it started, so a
 * steady stream of new entries cannot keep it (and the checkpoint waiting on it) running forever.
 */
export async function sequence(
  database: Database,
  options: { batchSize?: number } = {},
): Promise<SequenceResult> {
  const limit = options.batchSize ?? BATCH;
  const { rows } = await sql<{ last: number | string | null }>`
    SELECT max(entry_id) AS last FROM audit.pending`.execute(database.db);
  const last = rows[0]?.last === null || rows[0]?.last === undefined ? undefined : Number(rows[0].last);
  let sequenced = 0;
  for (;;) {
    const batch = await database.db.transaction().execute(async (trx) => {
      await lockSequencer(trx);
      return sequenceBatch(trx, limit);
    });
    sequenced += batch.added;
    const done = batch.added < limit || last === undefined || (batch.lastEntryId ?? 0) >= last;
    if (done) return { sequenced, treeSize: batch.size };
  }
}
