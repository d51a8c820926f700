import { appendAuditEntries, subjectKey } from '@dinhdanh/audit';
import type { Db } from '@dinhdanh/db';
import type { Officer } from '@dinhdanh/registry';
import type { IdentityContext } from './context.ts';

export const IDENTITY_LEGAL_BASIS = 'Nghị định 69/2024/NĐ-CP về định danh và xác thực điện tử';

export type IdentityActor =
  | { kind: 'citizen'; id: string }
  | { kind: 'officer'; officer: Officer }
  | { kind: 'system'; id: string };

/** One audit entry under the person's subject key, so it shows in their access log. */
export async function auditIdentity(
  ctx: IdentityContext,
  db: Db,
  entry: {
    actor: IdentityActor;
    action: string;
    idNumber: string | null;
    purpose: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  const actor =
    entry.actor.kind === 'officer'
      ? { kind: 'officer' as const, id: entry.actor.officer.officerId, unit: entry.actor.officer.unit.code }
      : { kind: entry.actor.kind, id: entry.actor.id, unit: null };
  await appendAuditEntries(db, [
    {
      recordedAt: ctx.clock.now(),
      actor,
      action: entry.action,
      subjectKey: entry.idNumber ? subjectKey(ctx.subjectSecret, entry.idNumber) : null,
      purpose: entry.purpose,
      legalBasis: IDENTITY_LEGAL_BASIS,
      details: entry.details ?? {},
    },
  ]);
}
