import { type AuditEntryInput, appendAuditEntries, subjectKey } from '@dinhdanh/audit';
import type { Db } from '@dinhdanh/db';
import type { RegistryContext } from '../context.ts';
import type { Officer } from '../officer/officer.ts';
import { findPersonRow } from '../person/person.repository.ts';
import type { RecordedPersonReads } from '../person/recorded-reads.ts';

/**
 * Who reads or changes registry data, and why. Every access to a person's data becomes an
 * audit entry in the same transaction, under the person's pseudonymous subject key, so it shows
 * in their access log.
 */
export interface Accessor {
  kind: 'officer' | 'citizen' | 'agency' | 'system';
  id: string;
  unit: string | null;
  purpose: string;
  legalBasis: string;
}

export interface RegistryAudit {
  /** HMAC secret that turns an ID number into its subject key. */
  subjectSecret: Uint8Array;
  /** Record reads as well as writes. Only a benchmark's baseline turns this off, never production. */
  auditReads: boolean;
}

export const DEFAULT_READ_PURPOSE = 'Tra cứu nghiệp vụ / official lookup';
export const DEFAULT_READ_BASIS = 'Luật Căn cước 26/2023/QH15; Nghị định 70/2024/NĐ-CP';

export function officerAccessor(officer: Officer, purpose?: string, legalBasis?: string): Accessor {
  return {
    kind: 'officer',
    id: officer.officerId,
    unit: officer.unit.code,
    purpose: purpose || DEFAULT_READ_PURPOSE,
    legalBasis: legalBasis || DEFAULT_READ_BASIS,
  };
}

function entriesFor(
  ctx: RegistryContext,
  accessor: Accessor,
  action: string,
  idNumbers: readonly string[],
  details: Record<string, unknown>,
): AuditEntryInput[] {
  return [...new Set(idNumbers)].map((idNumber) => ({
    recordedAt: ctx.clock.now(),
    actor: { kind: accessor.kind, id: accessor.id, unit: accessor.unit },
    action,
    subjectKey: subjectKey(ctx.audit.subjectSecret, idNumber),
    purpose: accessor.purpose,
    legalBasis: accessor.legalBasis,
    details,
  }));
}

/**
 * Reads a person for `accessor`, recording the read atomically with it (batched with the other
 * reads in flight, see RecordedPersonReads), or plainly when reads are not audited.
 */
export function recordedPersonReader(ctx: RegistryContext, reads: RecordedPersonReads, accessor: Accessor) {
  return (idNumber: string) =>
    ctx.audit.auditReads
      ? reads.read(idNumber, entriesFor(ctx, accessor, 'registry.person.read', [idNumber], {})[0]!)
      : findPersonRow(ctx.db, idNumber);
}

/** Records one access per person (deduplicated), e.g. `registry.person.read`. */
export async function recordAccess(
  db: Db,
  ctx: RegistryContext,
  accessor: Accessor,
  action: string,
  idNumbers: readonly string[],
  details: Record<string, unknown> = {},
): Promise<void> {
  await appendAuditEntries(db, entriesFor(ctx, accessor, action, idNumbers, details));
}

/** Runs a read in a transaction and records who read whom in the same transaction. */
export async function auditedRead<T>(
  ctx: RegistryContext,
  accessor: Accessor,
  action: string,
  read: (scoped: RegistryContext) => Promise<T>,
  subjects: (result: T) => readonly string[],
): Promise<T> {
  if (!ctx.audit.auditReads) return read(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const scoped = { ...ctx, db: trx };
    const result = await read(scoped);
    await recordAccess(trx, scoped, accessor, action, subjects(result));
    return result;
  });
}
