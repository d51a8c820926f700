// The citizen's access log: who accessed or changed my data, when and why — each entry with
// a proof that it is in the signed log.
import type { Db } from '@dinhdanh/db';
import { AppError } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import { latestCheckpointCovering } from '../checkpoint/checkpoint.ts';
import { type NoteKey, openCheckpoint } from '../checkpoint/signed-note.ts';
import type { ActorKind } from '../entry/audit-entry.ts';
import { hashLeaf, verifyInclusion } from '../merkle/merkle.ts';
import { inclusionProof } from '../tree/tree.repository.ts';

export interface AccessLogEntry {
  entryId: number;
  recordedAt: Date;
  actor: { kind: ActorKind; id: string; unit: string | null };
  action: string;
  purpose: string | null;
  legalBasis: string | null;
  details: Record<string, unknown>;
  /** The entry's place in the Merkle tree; null until the sequencer has reached it. */
  leafIndex: number | null;
}

/**
 * The entries about one subject, newest first. Page with `before`: the smallest entryId of the
 * previous page.
 */
export async function accessLog(
  db: Db,
  subjectKey: string,
  options: { limit?: number; before?: number } = {},
): Promise<AccessLogEntry[]> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw new AppError('ERR_VALIDATION', 'limit must be between 1 and 500');
  if (!/^[0-9a-f]{64}$/.test(subjectKey)) throw new AppError('ERR_VALIDATION', 'invalid subject key');
  const before = options.before ?? Number.MAX_SAFE_INTEGER;
  const { rows } = await sql<{
    id: number | string;
    recorded_at: Date | string;
    actor_kind: ActorKind;
    actor_id: string;
    actor_unit: string | null;
    action: string;
    purpose: string | null;
    legal_basis: string | null;
    details: Record<string, unknown>;
    leaf_index: number | string | null;
  }>`
    SELECT e.id, e.recorded_at, e.actor_kind, e.actor_id, e.actor_unit, e.action, e.purpose, e.legal_basis,
           e.details, l.leaf_index
      FROM audit.entry e LEFT JOIN audit.leaf l ON l.entry_id = e.id
     WHERE e.subject_key = ${Buffer.from(subjectKey, 'hex')} AND e.id < ${before}
     ORDER BY e.id DESC
     LIMIT ${limit}`.execute(db);
  return rows.map((row) => ({
    entryId: Number(row.id),
    recordedAt: new Date(row.recorded_at),
    actor: { kind: row.actor_kind, id: row.actor_id, unit: row.actor_unit },
    action: row.action,
    purpose: row.purpose,
    legalBasis: row.legal_basis,
    details: row.details,
    leafIndex: row.leaf_index === null ? null : Number(row.leaf_index),
  }));
}

/** What a citizen (or anyone holding the log's public key) needs to check one entry. */
export interface AccessLogEntryProof {
  entryId: number;
  /** The RFC 8785 text of the entry; the leaf hash is SHA-256(0x00 ‖ its UTF-8 bytes). */
  canonical: string;
  leafIndex: number;
  treeSize: number;
  /** Base64, like the note. */
  rootHash: string;
  /** The signed checkpoint (C2SP note) whose root the proof leads to. */
  checkpointNote: string;
  /** Base64 hashes, bottom first (RFC 9162 inclusion proof). */
  proof: string[];
}

/**
 * The inclusion proof of an entry against the newest checkpoint covering it, or undefined while
 * no checkpoint covers it yet (the next one will). Throws ERR_NOT_FOUND for an unknown entry.
 */
export async function accessLogEntryProof(db: Db, entryId: number): Promise<AccessLogEntryProof | undefined> {
  const { rows } = await sql<{ canonical: string; leaf_index: number | string | null }>`
    SELECT e.canonical, l.leaf_index FROM audit.entry e LEFT JOIN audit.leaf l ON l.entry_id = e.id
     WHERE e.id = ${entryId}`.execute(db);
  const row = rows[0];
  if (!row) throw new AppError('ERR_NOT_FOUND', `audit entry ${entryId} does not exist`);
  if (row.leaf_index === null) return undefined;
  const leafIndex = Number(row.leaf_index);
  const checkpoint = await latestCheckpointCovering(db, leafIndex);
  if (!checkpoint) return undefined;
  const proof = await inclusionProof(db, leafIndex, checkpoint.treeSize);
  return {
    entryId,
    canonical: row.canonical,
    leafIndex,
    treeSize: checkpoint.treeSize,
    rootHash: Buffer.from(checkpoint.rootHash).toString('base64'),
    checkpointNote: checkpoint.note,
    proof: proof.map((hash) => Buffer.from(hash).toString('base64')),
  };
}

/**
 * Checks an entry proof as a citizen's device would: the checkpoint is signed by a known key,
 * its root is the one given, and the entry's canonical text is at `leafIndex` under that root.
 */
export function verifyAccessLogEntryProof(
  proof: AccessLogEntryProof,
  publicKeys: readonly NoteKey[],
): boolean {
  let checkpoint: ReturnType<typeof openCheckpoint>;
  try {
    checkpoint = openCheckpoint(proof.checkpointNote, publicKeys);
  } catch {
    return false;
  }
  const root = Buffer.from(proof.rootHash, 'base64');
  if (checkpoint.treeSize !== proof.treeSize || !root.equals(checkpoint.rootHash)) return false;
  return verifyInclusion(
    hashLeaf(Buffer.from(proof.canonical, 'utf8')),
    proof.leafIndex,
    proof.treeSize,
    proof.proof.map((hash) => Buffer.from(hash, 'base64')),
    root,
  );
}
