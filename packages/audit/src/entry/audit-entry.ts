// What an audit entry is, its canonical form (RFC 8785) and its pseudonymous subject key.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';

export const ActorKind = z.enum(['officer', 'citizen', 'agency', 'system', 'relying_party']);
export type ActorKind = z.infer<typeof ActorKind>;

/** Dotted lower-case names: `registry.person.read`, `registry.birth_registered`. */
const actionPattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const subjectKeyPattern = /^[0-9a-f]{64}$/;
const text = (max: number) => z.string().min(1).max(max);

/** An entry as a caller describes it. `subjectKey` comes from `subjectKey()`, never a raw ID number. */
export const AuditEntryInput = z.strictObject({
  /** When the act happened; defaults to now. Stored to the millisecond. */
  recordedAt: z.date().optional(),
  actor: z.strictObject({
    kind: ActorKind,
    id: text(200),
    unit: text(200).nullish(),
  }),
  action: z.string().max(200).regex(actionPattern, 'action must look like "registry.person.read"'),
  subjectKey: z
    .string()
    .regex(subjectKeyPattern, 'subjectKey must be the hex HMAC from subjectKey()')
    .nullish(),
  purpose: text(500).nullish(),
  legalBasis: text(500).nullish(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntryInput = z.input<typeof AuditEntryInput>;

/**
 * The entry as hashed: every field present (absent ones as null), keys sorted by RFC 8785.
 * `v` versions this shape; a change of shape gets a new `v` and old entries keep theirs.
 * `v: 2` is a batch entry (ADR 0009): a v1 entry plus `members`, its commitment to the
 * subjects it concerns; its `subjectKey` is null.
 */
export interface CanonicalEntry {
  v: 1 | 2;
  recordedAt: string;
  actor: { kind: ActorKind; id: string; unit: string | null };
  action: string;
  subjectKey: string | null;
  purpose: string | null;
  legalBasis: string | null;
  details: Record<string, unknown>;
  members?: BatchCommitment;
}

/** What a batch entry commits to: how many member records, and the RFC 9162 Merkle root (hex) over them. */
export interface BatchCommitment {
  count: number;
  root: string;
}

/** An entry ready to insert: its fields, its details as JSON and its canonical text. */
export interface PreparedEntry {
  entry: Omit<CanonicalEntry, 'details'>;
  /** RFC 8785 text of the details, which is also what the jsonb column receives. */
  detailsJson: string;
  canonical: string;
}

/** RFC 8785 (JCS) text of a JSON value. Throws on values JSON cannot carry faithfully. */
export function canonicalJson(value: unknown): string {
  const result = canonicalize(value);
  if (result === undefined) throw new TypeError('value has no JSON form');
  return result;
}

// RFC 8785 serialises strings exactly as ECMAScript's JSON.stringify does, minus lone
// surrogates, which it forbids.
const jsonString = (value: string) => {
  if (!value.isWellFormed()) throw new TypeError('audit entries cannot contain lone surrogates');
  return JSON.stringify(value);
};
export const jsonOptional = (value: string | null) => (value === null ? 'null' : jsonString(value));

/**
 * Validates an entry and builds its canonical text. This is the append hot path, so the
 * envelope, whose keys are fixed, is written out in RFC 8785 key order by hand and only the
 * free-form details go through the general canonicaliser; a test holds the two to the same
 * output, and the verifier re-canonicalises stored entries with the general one.
 */
export function prepareEntry(input: AuditEntryInput, now: Date): PreparedEntry {
  const parsed = AuditEntryInput.parse(input);
  const recordedAt = parsed.recordedAt ?? now;
  if (Number.isNaN(recordedAt.getTime())) throw new TypeError('recordedAt is not a valid date');
  const detailsJson = canonicalJson(parsed.details ?? {});
  const entry = {
    v: 1 as const,
    recordedAt: recordedAt.toISOString(),
    actor: { kind: parsed.actor.kind, id: parsed.actor.id, unit: parsed.actor.unit ?? null },
    action: parsed.action,
    subjectKey: parsed.subjectKey ?? null,
    purpose: parsed.purpose ?? null,
    legalBasis: parsed.legalBasis ?? null,
  };
  const canonical =
    `{"action":${jsonString(entry.action)},"actor":{"id":${jsonString(entry.actor.id)},` +
    `"kind":${jsonString(entry.actor.kind)},"unit":${jsonOptional(entry.actor.unit)}},"details":${detailsJson},` +
    `"legalBasis":${jsonOptional(entry.legalBasis)},"purpose":${jsonOptional(entry.purpose)},` +
    `"recordedAt":"${entry.recordedAt}","subjectKey":${jsonOptional(entry.subjectKey)},"v":1}`;
  // PostgreSQL's text and jsonb cannot hold U+0000; refuse here rather than fail mid-batch.
  if (canonical.includes('\\u0000')) throw new TypeError('audit entries cannot contain U+0000');
  // JSON escapes every newline inside strings; the batch insert relies on there being none.
  if (canonical.includes('\n')) throw new Error('canonical JSON holds a raw newline');
  return { entry, detailsJson, canonical };
}

/** The key store name of the HMAC key behind subject keys. It must never change: it links a person's entries. */
export const SUBJECT_KEY_NAME = 'audit-subject';

/**
 * The pseudonymous key of a person in the audit log: hex HMAC-SHA-256 of the 12-digit ID number
 * under a secret key. The log never holds the ID number itself; whoever has the key (the
 * platform, answering a citizen's own request) can find a person's entries.
 */
export function subjectKey(key: Uint8Array, idNumber: string): string {
  if (!/^\d{12}$/.test(idNumber)) throw new TypeError('a subject key is made from a 12-digit ID number');
  return createHmac('sha256', secretKeyOf(key)).update(idNumber, 'utf8').digest('hex');
}

// Every read of a person computes a subject key: importing the raw secret each time costs several
// times the HMAC itself, so the key object is kept per secret (the platform has one).
const secretKeys = new WeakMap<Uint8Array, KeyObject>();
function secretKeyOf(key: Uint8Array): KeyObject {
  let keyObject = secretKeys.get(key);
  if (!keyObject) {
    if (key.length < 32) throw new TypeError('the subject key secret must be at least 32 bytes');
    keyObject = createSecretKey(key);
    secretKeys.set(key, keyObject);
  }
  return keyObject;
}
