// The citizen's access log: who accessed or changed my data, when and why — each entry with
// a proof that it is in the signed log.
import type { Db } from '@dinhdanh/db';
import { AppError } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import { latestCheckpointCovering } from '../checkpoint/checkpoint.ts';
import { type NoteKey, openCheckpoint } from '../checkpoint/signed-note.ts';
import { memberCanonical, memberTree } from '../entry/audit-batch.ts';
import { batchMembers } from '../entry/audit-entry.repository.ts';
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
 * The entries about one subject, newest first: entries naming the subject, and batch entries
 * (ADR 0009) that hold the subject among their members — shown like an entry of their own, with
 * the member's legal basis (when it has one) and details merged over the batch's. Page with
 * `before`: the smallest entryId of the previous page.
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
  const key = Buffer.from(subjectKey, 'hex');
  const { rows } = await sql<{
    id: number | string;
    recorded_at: Date | string;
    actor_kind: ActorKind;
    actor_id: string;
    actor_unit: string | null;
    action: string;
    purpose: string | null;
    legal_basis: string | null;
    details: Record<string, unknown> | string;
    member_legal_basis: string | null;
    member_details: string | null;
    leaf_index: number | string | null;
  }>`
    SELECT x.*, l.leaf_index
      FROM ((SELECT e.id, e.recorded_at, e.actor_kind, e.actor_id, e.actor_unit, e.action, e.purpose, e.legal_basis,
                    e.details, NULL::text AS member_legal_basis, NULL::text AS member_details
               FROM audit.entry e
              WHERE e.subject_key = ${key} AND e.id < ${before}
              ORDER BY e.id DESC LIMIT ${limit})
            UNION ALL
            (SELECT e.id, e.recorded_at, e.actor_kind, e.actor_id, e.actor_unit, e.action, e.purpose, e.legal_basis,
                    e.details, m.legal_basis, m.details
               FROM audit.entry_member m JOIN audit.entry e ON e.id = m.entry_id
              WHERE m.subject_key = ${key} AND m.entry_id < ${before}
              ORDER BY m.entry_id DESC LIMIT ${limit})) x
      LEFT JOIN audit.leaf l ON l.entry_id = x.id
     ORDER BY x.id DESC
     LIMIT ${limit}`.execute(db);
  return rows.map((row) => {
    const details = typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
    return {
      entryId: Number(row.id),
      recordedAt: new Date(row.recorded_at),
      actor: { kind: row.actor_kind, id: row.actor_id, unit: row.actor_unit },
      action: row.action,
      purpose: row.purpose,
      legalBasis: row.member_legal_basis ?? row.legal_basis,
      details: row.member_details === null ? details : { ...details, ...JSON.parse(row.member_details) },
      leafIndex: row.leaf_index === null ? null : Number(row.leaf_index),
    };
  });
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
  /**
   * For a batch entry asked about one of its subjects: that the subject's member record is in
   * the batch — an inclusion proof in the tree of `count` member records (sorted by subject
   * key) whose root the entry's canonical text holds (`members.root`).
   */
  member?: AccessLogMemberProof;
}

export interface AccessLogMemberProof {
  /** RFC 8785 text `{"details":…,"legalBasis":…,"subjectKey":…}`; its leaf is SHA-256(0x00 ‖ UTF-8). */
  canonical: string;
  index: number;
  count: number;
  /** Base64 hashes, bottom first. */
  proof: string[];
}

/**
 * The inclusion proof of an entry against the newest checkpoint covering it, or undefined while
 * no checkpoint covers it yet (the next one will). With `subjectKey`, only an entry about that
 * subject is answered (anything else is ERR_NOT_FOUND, like an unknown entry), and for a batch
 * entry the proof adds the subject's membership in the batch.
 */
export async function accessLogEntryProof(
  db: Db,
  entryId: number,
  options: { subjectKey?: string } = {},
): Promise<AccessLogEntryProof | undefined> {
  const { rows } = await sql<{
    canonical: string;
    leaf_index: number | string | null;
    subject_key: Uint8Array | null;
    members_count: number | null;
  }>`
    SELECT e.canonical, l.leaf_index, e.subject_key, e.members_count
      FROM audit.entry e LEFT JOIN audit.leaf l ON l.entry_id = e.id
     WHERE e.id = ${entryId}`.execute(db);
  const row = rows[0];
  if (!row) throw new AppError('ERR_NOT_FOUND', `audit entry ${entryId} does not exist`);
  const subject = options.subjectKey === undefined ? undefined : Buffer.from(options.subjectKey, 'hex');
  const batch = row.members_count !== null;
  if (subject && !batch && !(row.subject_key && subject.equals(row.subject_key)))
    throw new AppError('ERR_NOT_FOUND', `audit entry ${entryId} is not about this subject`);
  if (row.leaf_index === null) return undefined;
  const leafIndex = Number(row.leaf_index);
  const checkpoint = await latestCheckpointCovering(db, leafIndex);
  if (!checkpoint) return undefined;
  const member = subject && batch ? await memberProof(db, entryId, subject) : undefined;
  if (subject && batch && !member)
    throw new AppError('ERR_NOT_FOUND', `audit entry ${entryId} is not about this subject`);
  const proof = await inclusionProof(db, leafIndex, checkpoint.treeSize);
  return {
    entryId,
    canonical: row.canonical,
    leafIndex,
    treeSize: checkpoint.treeSize,
    rootHash: Buffer.from(checkpoint.rootHash).toString('base64'),
    checkpointNote: checkpoint.note,
    proof: proof.map((hash) => Buffer.from(hash).toString('base64')),
    ...(member ? { member } : {}),
  };
}

/** The subject's membership proof in a batch entry, built from all the batch's members. */
async function memberProof(
  db: Db,
  entryId: number,
  subject: Buffer,
): Promise<AccessLogMemberProof | undefined> {
  const members = await batchMembers(db, entryId);
  const index = members.subjectKeys.indexOf(subject.toString('hex'));
  if (index < 0) return undefined;
  const tree = memberTree(members.subjectKeys, members.legalBases, members.details);
  return {
    canonical: memberCanonical(
      members.subjectKeys[index]!,
      members.legalBases[index]!,
      members.details[index]!,
    ),
    index,
    count: tree.size,
    proof: tree.proof(index).map((hash) => Buffer.from(hash).toString('base64')),
  };
}

/** Whose proof it is: the subject key of the member record, else of the entry (null for neither). */
export function accessLogProofSubject(proof: AccessLogEntryProof): string | null {
  try {
    const text = proof.member ? proof.member.canonical : proof.canonical;
    const subject = (JSON.parse(text) as { subjectKey?: unknown }).subjectKey;
    return typeof subject === 'string' ? subject : null;
  } catch {
    return null;
  }
}

/**
 * Checks an entry proof as a citizen's device would: the checkpoint is signed by a known key,
 * its root is the one given, and the entry's canonical text is at `leafIndex` under that root;
 * with `member`, also that the member record is at `member.index` under the root that the
 * entry's canonical text commits to, among as many members as it says.
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
  const included = verifyInclusion(
    hashLeaf(Buffer.from(proof.canonical, 'utf8')),
    proof.leafIndex,
    proof.treeSize,
    proof.proof.map((hash) => Buffer.from(hash, 'base64')),
    root,
  );
  if (!included || !proof.member) return included;
  let members: unknown;
  try {
    members = (JSON.parse(proof.canonical) as { members?: unknown }).members;
  } catch {
    return false;
  }
  const commitment = members as { count?: unknown; root?: unknown } | undefined;
  if (
    typeof commitment?.count !== 'number' ||
    typeof commitment.root !== 'string' ||
    !/^[0-9a-f]{64}$/.test(commitment.root) ||
    commitment.count !== proof.member.count
  )
    return false;
  return verifyInclusion(
    hashLeaf(Buffer.from(proof.member.canonical, 'utf8')),
    proof.member.index,
    commitment.count,
    proof.member.proof.map((hash) => Buffer.from(hash, 'base64')),
    Buffer.from(commitment.root, 'hex'),
  );
}
