// Batch entries (ADR 0009): one audit entry for a bulk read of many people, committing to its
// subjects through a Merkle root over their member records. Pure: no I/O.

import { hashLeafText, LeafTree } from '../merkle/merkle.ts';
import {
  type AuditEntryInput,
  canonicalJson,
  jsonOptional,
  type PreparedEntry,
  prepareEntry,
} from './audit-entry.ts';

/** One subject of a batch entry, as a caller describes it. */
export interface AuditBatchMember {
  /** From `subjectKey()`: never a raw ID number. */
  subjectKey: string;
  /** Only when this subject's legal basis differs from the batch entry's (a citizen's consent). */
  legalBasis?: string | null;
  /** What was done to this subject (fields compared, released); merged over the entry's details in the access log. */
  details?: Record<string, unknown>;
}

/** A batch entry ready to insert: the entry (v2, with its commitment) and its members in leaf order. */
export interface PreparedBatch {
  entry: PreparedEntry;
  /** Hex subject keys, ascending: the order of the member tree's leaves. */
  subjectKeys: string[];
  legalBases: (string | null)[];
  /** RFC 8785 text of each member's details. */
  details: string[];
}

/** 64 lower-case hex digits (a regular expression over 10,000 keys costs several times this loop). */
function isSubjectKey(key: string): boolean {
  if (key.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = key.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * A member record's canonical text (RFC 8785; the three keys in sorted order), the data of its
 * leaf in the batch's member tree: `{"details":…,"legalBasis":…,"subjectKey":"<64 hex>"}`.
 * `detailsJson` must already be canonical.
 */
export function memberCanonical(subjectKey: string, legalBasis: string | null, detailsJson: string): string {
  return `{"details":${detailsJson},"legalBasis":${jsonOptional(legalBasis)},"subjectKey":"${subjectKey}"}`;
}

/** The member tree of records given in leaf order (ascending subject key). */
export function memberTree(
  subjectKeys: readonly string[],
  legalBases: readonly (string | null)[],
  details: readonly string[],
): LeafTree {
  const leaves = new Array<Uint8Array>(subjectKeys.length);
  for (let i = 0; i < subjectKeys.length; i++)
    leaves[i] = hashLeafText(memberCanonical(subjectKeys[i]!, legalBases[i] ?? null, details[i]!));
  return new LeafTree(leaves);
}

/**
 * Validates a batch entry and its members and builds its canonical text, which commits to the
 * members' count and Merkle root. Members are put in ascending subject-key order; a subject may
 * be in a batch once. This runs once per person in a bulk read, so it avoids per-member
 * allocations it can: details are canonicalised once per shape, keys checked in one pass.
 */
export function prepareBatchEntry(
  input: AuditEntryInput,
  members: readonly AuditBatchMember[],
  now: Date,
): PreparedBatch {
  if (input.subjectKey) throw new TypeError('a batch entry names its subjects as members, not by subjectKey');
  if (members.length === 0) throw new RangeError('a batch entry needs at least one member');
  const prepared = prepareEntry(input, now);
  const sorted = members
    .slice()
    .sort((a, b) => (a.subjectKey < b.subjectKey ? -1 : a.subjectKey > b.subjectKey ? 1 : 0));
  const subjectKeys = new Array<string>(sorted.length);
  const legalBases = new Array<string | null>(sorted.length);
  const details = new Array<string>(sorted.length);
  const canonicalDetails = new Map<string, string>();
  const sharedDetails = new Map<object, string>();
  for (let i = 0; i < sorted.length; i++) {
    const member = sorted[i]!;
    if (!isSubjectKey(member.subjectKey))
      throw new TypeError('a member subjectKey must be the hex HMAC from subjectKey()');
    subjectKeys[i] = member.subjectKey;
    if (i > 0 && member.subjectKey === subjectKeys[i - 1])
      throw new RangeError('a subject appears twice in one batch entry');
    const legalBasis = member.legalBasis ?? null;
    if (
      legalBasis !== null &&
      (legalBasis.length === 0 || legalBasis.length > 500 || legalBasis.includes('\u0000'))
    )
      throw new TypeError('a member legalBasis is 1–500 characters, without U+0000');
    legalBases[i] = legalBasis;
    // Callers may pass one details object for many members: then it is canonicalised once.
    let canonical = member.details === undefined ? '{}' : sharedDetails.get(member.details);
    if (canonical === undefined) {
      const plain = JSON.stringify(member.details);
      canonical = canonicalDetails.get(plain);
      if (canonical === undefined) {
        canonical = canonicalJson(member.details);
        if (canonical.includes('\\u0000')) throw new TypeError('audit entries cannot contain U+0000');
        canonicalDetails.set(plain, canonical);
      }
      sharedDetails.set(member.details!, canonical);
    }
    details[i] = canonical;
  }
  const root = Buffer.from(memberTree(subjectKeys, legalBases, details).root()).toString('hex');
  const entry = { ...prepared.entry, v: 2 as const, members: { count: members.length, root } };
  const canonical = canonicalJson({ ...entry, details: JSON.parse(prepared.detailsJson) });
  return { entry: { entry, detailsJson: prepared.detailsJson, canonical }, subjectKeys, legalBases, details };
}
