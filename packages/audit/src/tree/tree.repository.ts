// All SQL that reads the Merkle tree, and the proofs and roots built from it.
import type { Db } from '@dinhdanh/db';
import { AppError } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import {
  consistencyProofRanges,
  foldRange,
  inclusionProofRanges,
  type LeafRange,
  type NodeId,
  rangeNodes,
} from '../merkle/merkle.ts';

/** Number of leaves the sequencer has assigned: the current tree size. */
export async function treeSize(db: Db): Promise<number> {
  const { rows } = await sql<{ size: number | string }>`
    SELECT coalesce(max(leaf_index) + 1, 0) AS size FROM audit.leaf`.execute(db);
  return Number(rows[0]?.size ?? 0);
}

const nodeKey = (level: number, index: number) => `${level}/${index}`;

/** Fetches the hashes of the given perfect subtrees in one query (level 0 from the leaves). */
export async function fetchNodes(db: Db, nodes: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  if (nodes.length === 0) return found;
  const leaves = nodes.filter((node) => node.level === 0).map((node) => node.index);
  const inner = nodes.filter((node) => node.level > 0);
  const { rows } = await sql<{ level: number; index: number | string; hash: Uint8Array }>`
    SELECT 0 AS level, leaf_index AS index, leaf_hash AS hash
      FROM audit.leaf WHERE leaf_index = ANY(${leaves}::bigint[])
    UNION ALL
    SELECT n.level, n.index, n.hash
      FROM unnest(${inner.map((node) => node.level)}::int[], ${inner.map((node) => node.index)}::bigint[]) AS q(level, index)
      JOIN audit.tree_node n ON n.level = q.level AND n.index = q.index`.execute(db);
  for (const row of rows) found.set(nodeKey(Number(row.level), Number(row.index)), Buffer.from(row.hash));
  return found;
}

/**
 * MTHs of the given leaf ranges within the tree of `size` leaves, from O(log n) stored nodes
 * fetched in one query. The same query fetches leaf size − 1: it exists exactly when the tree
 * has reached `size`, which spares a separate query for the current size.
 */
export async function rangeHashes(db: Db, size: number, ranges: readonly LeafRange[]): Promise<Uint8Array[]> {
  const parts = ranges.map((range) => rangeNodes(range.begin, range.end));
  const found = await fetchNodes(
    db,
    size > 0 ? [...parts.flat(), { level: 0, index: size - 1 }] : parts.flat(),
  );
  if (size > 0 && !found.has(nodeKey(0, size - 1)))
    throw new AppError(
      'ERR_VALIDATION',
      `tree size ${size} is beyond the current size ${await treeSize(db)}`,
    );
  return parts.map((nodes) =>
    foldRange(
      nodes.map((node) => {
        const hash = found.get(nodeKey(node.level, node.index));
        if (!hash) throw new Error(`audit tree node ${node.level}/${node.index} is missing`);
        return hash;
      }),
    ),
  );
}

const validSize = (size: number) => {
  if (!Number.isSafeInteger(size) || size < 0) throw new AppError('ERR_VALIDATION', 'invalid tree size');
};

/** The root hash of the tree at `size` (any size up to the current one). */
export async function rootAt(db: Db, size: number): Promise<Uint8Array> {
  validSize(size);
  const [root] = await rangeHashes(db, size, [{ begin: 0, end: size }]);
  return root!;
}

/** The inclusion proof (RFC 9162) of leaf `leafIndex` in the tree of `treeSize` leaves. */
export async function inclusionProof(db: Db, leafIndex: number, treeSize: number): Promise<Uint8Array[]> {
  let ranges: LeafRange[];
  try {
    ranges = inclusionProofRanges(leafIndex, treeSize);
  } catch (error) {
    throw new AppError('ERR_VALIDATION', (error as Error).message);
  }
  return rangeHashes(db, treeSize, ranges);
}

/** The consistency proof (RFC 9162) from the tree of `size1` leaves to the tree of `size2`. */
export async function consistencyProof(db: Db, size1: number, size2: number): Promise<Uint8Array[]> {
  let ranges: LeafRange[];
  try {
    ranges = consistencyProofRanges(size1, size2);
  } catch (error) {
    throw new AppError('ERR_VALIDATION', (error as Error).message);
  }
  return rangeHashes(db, size2, ranges);
}
