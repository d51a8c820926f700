// All SQL that writes and reads audit entries.
import type { Db } from '@dinhdanh/db';
import { type Clock, systemClock } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import { type AuditBatchMember, type PreparedBatch, prepareBatchEntry } from './audit-batch.ts';
import {
  type AuditEntryInput,
  type CanonicalEntry,
  canonicalJson,
  type PreparedEntry,
  prepareEntry,
} from './audit-entry.ts';

// Entries per INSERT statement: bounds the size of one statement's parameters.
const CHUNK = 5_000;

export interface AppendOptions {
  /** "Now" for entries without `recordedAt`. */
  clock?: Clock;
}

/**
 * Appends entries to the audit log and returns their ids, in order. Pass the transaction that
 * makes the change the entries describe, so both commit or neither does. Takes no lock: the
 * sequencer orders entries later, so concurrent writers never wait for each other here.
 */
export async function appendAuditEntries(
  db: Db,
  entries: readonly AuditEntryInput[],
  options: AppendOptions = {},
): Promise<number[]> {
  if (entries.length === 0) return [];
  const now = (options.clock ?? systemClock).now();
  const prepared = entries.map((entry) => prepareEntry(entry, now));
  const ids: number[] = [];
  for (let start = 0; start < prepared.length; start += CHUNK) {
    const result = await sql<{ id: number | string }>`
      WITH ${insertEntriesCte(prepared.slice(start, start + CHUNK))}
      SELECT id FROM audit_inserted ORDER BY id`.execute(db);
    for (const row of result.rows) ids.push(Number(row.id));
  }
  return ids;
}

/**
 * The common-table expressions that insert prepared entries (as `audit_inserted`, returning
 * their ids) and queue them for the sequencer. A caller may put them in front of its own query,
 * so that one statement — one round trip, one implicit transaction — both reads data and
 * records that read: `WITH ${insertEntriesCte(entries)} SELECT … FROM …`.
 */
export function insertEntriesCte(chunk: readonly PreparedEntry[]) {
  const column = <T>(pick: (entry: PreparedEntry['entry']) => T) => chunk.map(({ entry }) => pick(entry));
  // Canonical JSON never holds a raw newline, so the two JSON columns travel as one
  // newline-joined text each instead of arrays whose elements would all need escaping.
  return sql`audit_inserted AS (
        INSERT INTO audit.entry (recorded_at, actor_kind, actor_id, actor_unit, action, subject_key, purpose,
                                 legal_basis, details, canonical)
        SELECT recorded_at, actor_kind, actor_id, actor_unit, action, decode(subject_key, 'hex'), purpose,
               legal_basis, details::jsonb, canonical
          FROM unnest(
            ${column((e) => e.recordedAt)}::timestamptz[], ${column((e) => e.actor.kind)}::text[],
            ${column((e) => e.actor.id)}::text[], ${column((e) => e.actor.unit)}::text[],
            ${column((e) => e.action)}::text[], ${column((e) => e.subjectKey)}::text[],
            ${column((e) => e.purpose)}::text[], ${column((e) => e.legalBasis)}::text[],
            string_to_array(${chunk.map((p) => p.detailsJson).join('\n')}, E'\n'),
            string_to_array(${chunk.map((p) => p.canonical).join('\n')}, E'\n'))
            AS u(recorded_at, actor_kind, actor_id, actor_unit, action, subject_key, purpose, legal_basis,
                 details, canonical)
        RETURNING id
      ), audit_queued AS (
        INSERT INTO audit.pending (entry_id) SELECT id FROM audit_inserted
      )`;
}

/**
 * Appends one batch entry — one act concerning many subjects, such as a batch of an agency's
 * matching job (ADR 0009) — with its members, and returns its id. Same transaction rules as
 * appendAuditEntries.
 */
export async function appendAuditBatch(
  db: Db,
  entry: AuditEntryInput,
  members: readonly AuditBatchMember[],
  options: AppendOptions = {},
): Promise<number> {
  const batch = prepareBatchEntry(entry, members, (options.clock ?? systemClock).now());
  const { rows } = await sql<{ id: number | string }>`
    WITH ${insertBatchEntryCte(batch)} SELECT id FROM audit_inserted`.execute(db);
  return Number(rows[0]!.id);
}

/** Validates a batch entry and its members and builds its commitment, for `insertBatchEntryCte`. */
export function prepareAuditBatch(
  entry: AuditEntryInput,
  members: readonly AuditBatchMember[],
  options: AppendOptions = {},
): PreparedBatch {
  return prepareBatchEntry(entry, members, (options.clock ?? systemClock).now());
}

/**
 * The common-table expressions that insert a prepared batch entry (as `audit_inserted`), queue it
 * for the sequencer and insert its members into `audit.entry_member`, for a caller's statement as
 * with insertEntriesCte; with `onlyIfAnyRowIn`, only when the caller's CTE of that name (written
 * before these) yields a row. Subject keys travel as one comma-joined text and the members' details as
 * one newline-joined text (canonical JSON holds no raw newline): 10,000 members are three
 * parameters, not 30,000.
 */
export function insertBatchEntryCte(batch: PreparedBatch, options: { onlyIfAnyRowIn?: string } = {}) {
  const { entry, detailsJson, canonical } = batch.entry;
  const members = entry.members!;
  const legalBases = batch.legalBases.some((basis) => basis !== null) ? batch.legalBases : null;
  // A caller's earlier CTE can decide, in the same statement, whether anything is written (the
  // matching batch writes only while its worker still holds the job).
  const guard = options.onlyIfAnyRowIn
    ? sql`WHERE EXISTS (SELECT FROM ${sql.table(options.onlyIfAnyRowIn)})`
    : sql``;
  return sql`audit_inserted AS (
        INSERT INTO audit.entry (recorded_at, actor_kind, actor_id, actor_unit, action, subject_key, purpose,
                                 legal_basis, details, canonical, members_count, members_root)
        SELECT ${entry.recordedAt}::timestamptz, ${entry.actor.kind}, ${entry.actor.id}, ${entry.actor.unit},
               ${entry.action}, NULL, ${entry.purpose}, ${entry.legalBasis}, ${detailsJson}::jsonb, ${canonical},
               ${members.count}::integer, decode(${members.root}, 'hex') ${guard}
        RETURNING id
      ), audit_queued AS (
        INSERT INTO audit.pending (entry_id) SELECT id FROM audit_inserted
      ), audit_members AS (
        INSERT INTO audit.entry_member (subject_key, entry_id, legal_basis, details)
        SELECT decode(m.subject_key, 'hex'), i.id, m.legal_basis, m.details
          FROM audit_inserted i,
               unnest(string_to_array(${batch.subjectKeys.join(',')}, ','),
                      string_to_array(${batch.details.join('\n')}, E'\n'),
                      ${legalBases}::text[]) AS m(subject_key, details, legal_basis)
      )`;
}

/** A batch entry's member records as stored, in leaf order (ascending subject key). */
export async function batchMembers(
  db: Db,
  entryId: number,
): Promise<{ subjectKeys: string[]; legalBases: (string | null)[]; details: string[] }> {
  const { rows } = await sql<{ subject_key: Uint8Array; legal_basis: string | null; details: string }>`
    SELECT subject_key, legal_basis, details FROM audit.entry_member
     WHERE entry_id = ${entryId} ORDER BY subject_key`.execute(db);
  return {
    subjectKeys: rows.map((row) => Buffer.from(row.subject_key).toString('hex')),
    legalBases: rows.map((row) => row.legal_basis),
    details: rows.map((row) => row.details),
  };
}

/** Validates entries and builds their canonical text, for `insertEntriesCte`. */
export function prepareEntries(
  entries: readonly AuditEntryInput[],
  options: AppendOptions = {},
): PreparedEntry[] {
  const now = (options.clock ?? systemClock).now();
  return entries.map((entry) => prepareEntry(entry, now));
}

/** Appends one entry; see appendAuditEntries. */
export async function appendAuditEntry(
  db: Db,
  entry: AuditEntryInput,
  options: AppendOptions = {},
): Promise<number> {
  const [id] = await appendAuditEntries(db, [entry], options);
  return id!;
}

/** An entry as stored, with its canonical text. */
export interface StoredEntry {
  id: number;
  entry: CanonicalEntry;
  canonical: string;
}

export interface EntryRow {
  id: number | string;
  recorded_at: Date | string;
  actor_kind: string;
  actor_id: string;
  actor_unit: string | null;
  action: string;
  subject_key: Uint8Array | null;
  purpose: string | null;
  legal_basis: string | null;
  details: unknown;
  canonical: string;
  members_count: number | null;
  members_root: Uint8Array | null;
}

/** The entry the columns of a row describe (independently of its canonical text). */
export function entryFromRow(row: EntryRow): CanonicalEntry {
  const details = typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
  const members =
    row.members_count === null && row.members_root === null
      ? undefined
      : {
          count: row.members_count as number,
          root: row.members_root === null ? null : Buffer.from(row.members_root).toString('hex'),
        };
  return {
    v: members ? 2 : 1,
    recordedAt: new Date(row.recorded_at).toISOString(),
    actor: {
      kind: row.actor_kind as CanonicalEntry['actor']['kind'],
      id: row.actor_id,
      unit: row.actor_unit,
    },
    action: row.action,
    subjectKey: row.subject_key === null ? null : Buffer.from(row.subject_key).toString('hex'),
    purpose: row.purpose,
    legalBasis: row.legal_basis,
    details: details as Record<string, unknown>,
    ...(members ? { members: members as CanonicalEntry['members'] & object } : {}),
  };
}

/** True when the row's columns canonicalise to exactly its stored canonical text. */
export function rowMatchesCanonical(row: EntryRow): boolean {
  try {
    return canonicalJson(entryFromRow(row)) === row.canonical;
  } catch {
    return false;
  }
}

export const entryColumns = sql.raw(
  'e.id, e.recorded_at, e.actor_kind, e.actor_id, e.actor_unit, e.action, e.subject_key, e.purpose, e.legal_basis, e.details, e.canonical, e.members_count, e.members_root',
);
