import { z } from 'zod';
import { DocumentKind } from '../agency/agency.schema.ts';
import {
  checkNumber,
  type DocumentRules,
  datesNotInFuture,
  defaultDocumentRules,
  documentData,
  HolderDate,
} from './document-kinds.ts';

/** Most documents one push may carry; more is ERR_EXCHANGE_BATCH_TOO_LARGE (413). */
export const MAX_DOCUMENTS_PER_PUSH = 1_000;

const IsoDate = z.iso.date('a date as yyyy-mm-dd');

/** One document as an agency sends it; `data` is checked by the kind's own schema. */
export const DocumentInput = z.strictObject({
  kind: DocumentKind,
  idNumber: z.string().regex(/^\d{12}$/, 'the holder’s 12-digit ID number'),
  number: z.string().min(1).max(64),
  issuer: z.string().trim().min(1).max(200).optional(),
  issuedOn: IsoDate.optional(),
  validFrom: IsoDate.optional(),
  validUntil: IsoDate.optional(),
  /**
   * When the agency's record reached this state. Versions are ordered by it (else by issue
   * date, else by validity start): a push older than the version on file is reported back.
   */
  recordedAt: z.iso.datetime({ offset: true }).optional(),
  /** What the agency holds about the holder, checked against the registry (not stored). */
  holder: z
    .strictObject({
      fullName: z.string().trim().min(1).max(200).optional(),
      dateOfBirth: HolderDate.optional(),
    })
    .optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type DocumentInput = z.input<typeof DocumentInput>;

/** A document that passed its kind's checks, with its number in stored form. */
export interface ValidDocument {
  kind: DocumentKind;
  idNumber: string;
  number: string;
  issuer: string | null;
  issuedOn: string | null;
  validFrom: string | null;
  validUntil: string | null;
  recordedAt: string | null;
  holder: { fullName?: string | undefined; dateOfBirth?: string | undefined } | undefined;
  data: Record<string, unknown>;
}

export interface FieldError {
  path: string;
  message: string;
}

const issuePath = (prefix: string, path: readonly PropertyKey[]) =>
  [prefix, ...path.map(String)].filter(Boolean).join('.') || '(document)';

/**
 * Checks one pushed document: its envelope, its kind's number format and data, and the dates
 * that must hold without the registry (not in the future, validity in order). `today` is the
 * date in Vietnam.
 */
export function validateDocument(
  input: unknown,
  today: string,
  rules: DocumentRules = defaultDocumentRules,
): { ok: true; document: ValidDocument } | { ok: false; errors: FieldError[] } {
  const parsed = DocumentInput.safeParse(input);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => ({
        path: issuePath('', issue.path),
        message: issue.message,
      })),
    };
  const envelope = parsed.data;
  const errors: FieldError[] = [];
  const number = checkNumber(envelope.kind, envelope.number, envelope.idNumber, rules);
  if ('error' in number) errors.push({ path: 'number', message: number.error });
  const data = documentData[envelope.kind].safeParse(envelope.data);
  if (!data.success)
    for (const issue of data.error.issues)
      errors.push({ path: issuePath('data', issue.path), message: issue.message });
  for (const [path, date] of [
    ['issuedOn', envelope.issuedOn],
    ['validFrom', envelope.validFrom],
  ] as const)
    if (date && date > today) errors.push({ path, message: 'cannot be in the future' });
  if (data.success)
    for (const [path, date] of datesNotInFuture(envelope.kind, data.data))
      if (date > today) errors.push({ path, message: 'cannot be in the future' });
  if (envelope.validUntil && envelope.validFrom && envelope.validUntil < envelope.validFrom)
    errors.push({ path: 'validUntil', message: 'before validFrom' });
  if (envelope.validUntil && envelope.issuedOn && envelope.validUntil < envelope.issuedOn)
    errors.push({ path: 'validUntil', message: 'before issuedOn' });
  if (envelope.recordedAt && new Date(envelope.recordedAt).getTime() > Date.parse(`${today}T23:59:59+07:00`))
    errors.push({ path: 'recordedAt', message: 'cannot be in the future' });
  if (errors.length > 0 || 'error' in number || !data.success) return { ok: false, errors };
  return {
    ok: true,
    document: {
      kind: envelope.kind,
      idNumber: envelope.idNumber,
      number: number.number,
      issuer: envelope.issuer ?? null,
      issuedOn: envelope.issuedOn ?? null,
      validFrom: envelope.validFrom ?? null,
      validUntil: envelope.validUntil ?? null,
      recordedAt: envelope.recordedAt ? new Date(envelope.recordedAt).toISOString() : null,
      holder: envelope.holder,
      data: data.data as Record<string, unknown>,
    },
  };
}

export const ConflictType = z.enum([
  /** The holder's name or date of birth the agency sent does not match the registry's. */
  'holder_mismatch',
  /** A date in the document falls before the holder's birth in the registry. */
  'before_birth',
  /** The number is already recorded for another person. */
  'number_on_other_person',
  /** A version older than the one on file (by the agency's dates, or an earlier state sent again). */
  'older_version',
]);
export type ConflictType = z.infer<typeof ConflictType>;

export const DocumentConflict = z.object({
  type: ConflictType,
  /** The field in the pushed document that conflicts. */
  field: z.string().optional(),
  detail: z.string(),
});
export type DocumentConflict = z.infer<typeof DocumentConflict>;

/** What became of one pushed document. Nothing of the registry's own values is returned. */
export const DocumentOutcome = z.object({
  /** Position in the pushed list. */
  index: z.number().int(),
  status: z.enum(['stored', 'unchanged', 'rejected']),
  kind: DocumentKind.nullable(),
  /** The number as stored (normalised), when it was valid. */
  number: z.string().nullable(),
  /** The version on file after this push (stored or unchanged). */
  version: z.number().int().optional(),
  reason: z.enum(['not_found', 'deceased', 'invalid', 'conflict']).optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  conflicts: z.array(DocumentConflict).optional(),
});
export type DocumentOutcome = z.infer<typeof DocumentOutcome>;

export const PushResult = z.object({
  purpose: z.string(),
  summary: z.object({ stored: z.number().int(), unchanged: z.number().int(), rejected: z.number().int() }),
  results: z.array(DocumentOutcome),
});
export type PushResult = z.infer<typeof PushResult>;

export const DocumentStatus = z.enum(['valid', 'expired', 'not_yet_valid']);
export type DocumentStatus = z.infer<typeof DocumentStatus>;

const DocumentState = z.object({
  version: z.number().int(),
  issuer: z.string().nullable(),
  issuedOn: z.string().nullable(),
  validFrom: z.string().nullable(),
  validUntil: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  receivedAt: z.string(),
  /** The agency's own time of this state, if it said. */
  recordedAt: z.string().nullable(),
});

/** A person's document from one source: its latest version, with the earlier ones on request. */
export const PersonDocument = DocumentState.extend({
  kind: DocumentKind,
  number: z.string(),
  source: z.object({ agencyId: z.string(), name: z.string() }),
  /** From the latest version's validity, on today's date in Vietnam. */
  status: DocumentStatus,
  /** Earlier versions, newest first (empty unless asked for). */
  history: z.array(DocumentState),
});
export type PersonDocument = z.infer<typeof PersonDocument>;
