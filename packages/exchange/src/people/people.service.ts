import { type AuditEntryInput, subjectKey } from '@dinhdanh/audit';
import { AppError } from '@dinhdanh/kernel';
import { type Person, presentPerson, type RecordedPersonReads } from '@dinhdanh/registry';
import type { Purpose } from '../agency/agency.schema.ts';
import type { AgencyPrincipal } from '../auth/agency-principal.ts';
import { purposeText } from '../auth/purpose.ts';
import { type ComparableField, compareFields, type FieldOutcome } from '../compare/field-compare.ts';
import type { ExchangeContext } from '../context.ts';
import { findActiveConsent } from './consent.repository.ts';
import { registryValuesOf, releasedFields } from './person-view.ts';

export const VERIFICATION_BASIS_FALLBACK =
  'Xác minh thông tin do cơ quan cung cấp, không trả về dữ liệu / verification of data the agency holds, no data returned';

export interface VerificationRequest {
  idNumber: string;
  fields: Partial<Record<ComparableField, string>>;
}

export interface VerificationResult {
  idNumber: string;
  found: boolean;
  alive: boolean;
  fields: Partial<Record<ComparableField, FieldOutcome>>;
}

function auditEntry(
  ctx: ExchangeContext,
  principal: AgencyPrincipal,
  purpose: Purpose,
  action: string,
  idNumber: string,
  legalBasis: string,
  details: Record<string, unknown>,
): AuditEntryInput {
  return {
    recordedAt: ctx.clock.now(),
    actor: { kind: 'agency', id: principal.agency.agencyId, unit: principal.agency.name },
    action,
    subjectKey: subjectKey(ctx.subjectSecret, idNumber),
    purpose: purposeText(purpose),
    legalBasis,
    details,
  };
}

/** Every field compared must be within the purpose's policy: a match/mismatch reveals the value. */
export function assertFieldsAllowed(purpose: Purpose, fields: Iterable<string>): void {
  for (const field of fields)
    if (!(purpose.fields as readonly string[]).includes(field))
      throw new AppError(
        'ERR_EXCHANGE_FIELD_NOT_ALLOWED',
        `"${field}" is not in the policy of ${purpose.code}`,
      );
}

const present = (
  ctx: ExchangeContext,
  found: Awaited<ReturnType<RecordedPersonReads['read']>>,
): Person | undefined => (found ? presentPerson(found.state, found.version, ctx.registry.units) : undefined);

/**
 * Checks the values an agency holds against the registry: per field match or mismatch, whether
 * the person is found and alive — and nothing the agency did not send. Each check is one audit
 * entry written atomically with its read (batched with the reads in flight).
 */
export async function verifyPeople(
  ctx: ExchangeContext,
  reads: RecordedPersonReads,
  principal: AgencyPrincipal,
  purpose: Purpose,
  requests: readonly VerificationRequest[],
): Promise<VerificationResult[]> {
  for (const request of requests) assertFieldsAllowed(purpose, Object.keys(request.fields));
  const legalBasis = purpose.legalBasis ?? VERIFICATION_BASIS_FALLBACK;
  return Promise.all(
    requests.map(async (request) => {
      const fieldNames = Object.keys(request.fields);
      const person = present(
        ctx,
        await reads.read(
          request.idNumber,
          auditEntry(ctx, principal, purpose, 'exchange.person.verified', request.idNumber, legalBasis, {
            fields: fieldNames,
          }),
        ),
      );
      if (!person) {
        const fields: Partial<Record<ComparableField, FieldOutcome>> = {};
        for (const name of fieldNames) fields[name as ComparableField] = 'mismatch';
        return { idNumber: request.idNumber, found: false, alive: false, fields };
      }
      return {
        idNumber: request.idNumber,
        found: true,
        alive: person.dateOfDeath === null,
        fields: compareFields(request.fields, registryValuesOf(person)),
      };
    }),
  );
}

export interface LookupResult {
  idNumber: string;
  purpose: string;
  /** On what ground the data was released: the purpose's legal basis, or the citizen's consent. */
  basis: { kind: 'legal_basis'; text: string } | { kind: 'consent'; consentId: string; grantedAt: string };
  fields: Record<string, unknown>;
}

/**
 * A person's data as the purpose's field policy allows, only with the purpose's legal basis or
 * the citizen's recorded, unexpired, unwithdrawn consent for this agency and purpose. The read
 * and its audit entry are one statement.
 */
export async function lookUpPerson(
  ctx: ExchangeContext,
  reads: RecordedPersonReads,
  principal: AgencyPrincipal,
  purpose: Purpose,
  idNumber: string,
): Promise<LookupResult> {
  let basis: LookupResult['basis'];
  if (purpose.legalBasis) basis = { kind: 'legal_basis', text: purpose.legalBasis };
  else {
    const consent = await findActiveConsent(
      ctx.db,
      idNumber,
      principal.agency.agencyId,
      purpose.code,
      ctx.clock.now(),
    );
    if (!consent)
      throw new AppError(
        'ERR_EXCHANGE_NO_LEGAL_BASIS',
        `${purpose.code} has no legal basis and the citizen has not consented`,
      );
    basis = { kind: 'consent', consentId: consent.consentId, grantedAt: consent.grantedAt };
  }
  const legalBasis =
    basis.kind === 'legal_basis'
      ? basis.text
      : `Sự đồng ý của công dân / the citizen's consent (${basis.consentId})`;
  const person = present(
    ctx,
    await reads.read(
      idNumber,
      auditEntry(ctx, principal, purpose, 'exchange.person.looked_up', idNumber, legalBasis, {
        fields: purpose.fields,
      }),
    ),
  );
  if (!person) throw new AppError('ERR_NOT_FOUND', 'no person with this ID number');
  return { idNumber, purpose: purpose.code, basis, fields: releasedFields(person, purpose.fields) };
}
