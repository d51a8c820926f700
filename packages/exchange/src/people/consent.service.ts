import { randomBytes } from 'node:crypto';
import { appendAuditEntries, subjectKey } from '@dinhdanh/audit';
import { AppError } from '@dinhdanh/kernel';
import { findAgencyRow } from '../agency/agency.repository.ts';
import { purposeText } from '../auth/purpose.ts';
import type { ExchangeContext } from '../context.ts';
import { type ConsentRow, insertConsent, listConsents, withdrawConsent } from './consent.repository.ts';

const CONSENT_BASIS = 'Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15; Nghị định 356/2025/NĐ-CP';

/**
 * Records a citizen's consent that an agency may look up their data for one of its purposes
 * (specific, provable: the consent and its audit entry are one transaction; withdrawable).
 */
export async function grantConsent(
  ctx: ExchangeContext,
  idNumber: string,
  input: { agencyId: string; purpose: string; expiresAt?: string | undefined },
): Promise<ConsentRow> {
  const agency = await findAgencyRow(ctx.db, input.agencyId);
  const purpose = agency?.purposes.find((candidate) => candidate.code === input.purpose);
  if (!agency || agency.disabled || !purpose)
    throw new AppError('ERR_EXCHANGE_AGENCY_NOT_FOUND', 'no such agency and purpose');
  const now = ctx.clock.now();
  if (input.expiresAt && new Date(input.expiresAt) <= now)
    throw new AppError('ERR_VALIDATION', 'the consent would expire before it starts');
  const consent = {
    consentId: `cs-${randomBytes(12).toString('base64url')}`,
    idNumber,
    agencyId: agency.agencyId,
    purpose: purpose.code,
    grantedAt: now.toISOString(),
    expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await insertConsent(trx, consent);
    await appendAuditEntries(trx, [
      {
        recordedAt: now,
        actor: { kind: 'citizen', id: subjectKey(ctx.subjectSecret, idNumber), unit: null },
        action: 'exchange.consent.granted',
        subjectKey: subjectKey(ctx.subjectSecret, idNumber),
        purpose: purposeText(purpose),
        legalBasis: CONSENT_BASIS,
        details: { consentId: consent.consentId, agencyId: agency.agencyId, agency: agency.name },
      },
    ]);
  });
  return { ...consent, agencyName: agency.name, withdrawnAt: null };
}

export function consentsOf(ctx: ExchangeContext, idNumber: string): Promise<ConsentRow[]> {
  return listConsents(ctx.db, idNumber);
}

/** Withdraws one of the citizen's consents; lookups under it stop at once. */
export async function withdrawConsentOf(
  ctx: ExchangeContext,
  idNumber: string,
  consentId: string,
): Promise<ConsentRow> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const withdrawn = await withdrawConsent(trx, idNumber, consentId, now);
    if (!withdrawn) throw new AppError('ERR_NOT_FOUND', 'no such active consent');
    await appendAuditEntries(trx, [
      {
        recordedAt: now,
        actor: { kind: 'citizen', id: subjectKey(ctx.subjectSecret, idNumber), unit: null },
        action: 'exchange.consent.withdrawn',
        subjectKey: subjectKey(ctx.subjectSecret, idNumber),
        purpose: withdrawn.purpose,
        legalBasis: CONSENT_BASIS,
        details: { consentId, agencyId: withdrawn.agencyId, agency: withdrawn.agencyName },
      },
    ]);
    return withdrawn;
  });
}
