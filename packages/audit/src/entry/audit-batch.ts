// Batch entries (ADR 0009): one audit entry for a bulk read of many people, committing to its
// subjects through a Merkle root over their member records. Pure: no I/O.

import { hashLeaf, LeafTree } from '../merkle/merkle.ts';
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

const subjectKeyPattern = /^[0-9a-f]{64}$/;

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
    leaves[i] = hashLeaf(
      Buffer.from(memberCanonical(subjectKeys[i]!, legalBases[i] ?? null, details[i]!), 'utf8'),
    );
  return new LeafTree(leaves);
}

/**
 * Validates a batch entry and its members and builds its canonical text, which commits to the
 * members' count and Merkle root. Members are put in ascending subject-key order; a subject may
 * be in a batch once.
 */
export function prepareBatchEntry(
  input: AuditEntryInput,
  members: readonly AuditBatchMember[],
  now: Date,
): PreparedBatch {
  if (input.subjectKey) throw new TypeError('a batch entry names its subjects as members, not by subjectKey');
  if (members.length === 0) throw new RangeError('a batch entry needs at least one member');
  const prepared = prepareEntry(input, now);
  // Members' details come in a few shapes: canonicalise each shape once.
  const canonicalDetails = new Map<string, string>();
  const order = members.map((member, i) => {
    if (!subjectKeyPattern.test(member.subjectKey))
      throw new TypeError('a member subjectKey must be the hex HMAC from subjectKey()');
    const legalBasis = member.legalBasis ?? null;
    if (
      legalBasis !== null &&
      (legalBasis.length === 0 || legalBasis.length > 500 || legalBasis.includes('\u0000'))
    )
      throw new TypeError('a member legalBasis is 1–500 characters, without U+0000');
    const plain = JSON.stringify(member.details ?? {});
    let details = canonicalDetails.get(plain);
    if (details === undefined) {
      details = canonicalJson(member.details ?? {});
      if (details.includes('\\u0000')) throw new TypeError('audit entries cannot contain U+0000');
      canonicalDetails.set(plain, details);
    }
    return { i, subjectKey: member.subjectKey, legalBasis, details };
  });
  order.sort((a, b) => (a.subjectKey < b.subjectKey ? -1 : a.subjectKey > b.subjectKey ? 1 : 0));
  const subjectKeys = order.map((member) => member.subjectKey);
  for (let i = 1; i < subjectKeys.length; i++)
    if (subjectKeys[i] === subjectKeys[i - 1])
      throw new RangeError('a subject appears twice in one batch entry');
  const legalBases = order.map((member) => member.legalBasis);
  const details = order.map((member) => member.details);
  const root = Buffer.from(memberTree(subjectKeys, legalBases, details).root()).toString('hex');
  const entry = { ...prepared.entry, v: 2 as const, members: { count: members.length, root } };
  const canonical = canonicalJson({ ...entry, details: JSON.parse(prepared.detailsJson) });
  return { entry: { entry, detailsJson: prepared.detailsJson, canonical }, subjectKeys, legalBases, details };
}
