// One batch of staged records, joined with the registry, turned into report lines, counts and
// the batch's audit entry. Pure: the same rows give the same report bytes, which is what makes a
// resumed job's report identical to an uninterrupted one.
import type { AuditBatchMember, AuditEntryInput } from '@dinhdanh/audit';
import { csvField } from '@dinhdanh/db';
import type { AdminUnits } from '@dinhdanh/registry';
import type { Agency, Purpose } from '../agency/agency.schema.ts';
import { purposeText } from '../auth/purpose.ts';
import {
  type ComparableField,
  comparableFields,
  compareFields,
  type FieldOutcome,
} from '../compare/field-compare.ts';
import { VERIFICATION_BASIS_FALLBACK } from '../people/people.service.ts';
import {
  emptyCounts,
  type MatchingCounts,
  type MatchingFormat,
  type RecordStatus,
} from './matching.schema.ts';
import { fieldColumns, registryValuesFromRow } from './matching-fields.ts';

export interface MatchSettings {
  jobId: string;
  agency: Agency;
  purpose: Purpose;
  format: MatchingFormat;
  fields: readonly ComparableField[];
  units: AdminUnits;
  subjectKey: (idNumber: string) => string;
  now: Date;
}

export interface MatchedBatch {
  body: string;
  counts: MatchingCounts;
  records: number;
  firstLine: number;
  lastLine: number;
  /** The people found, as members of the batch's one audit entry (ADR 0009). */
  members: AuditBatchMember[];
}

/** The report's CSV header: line, idNumber, status, detail, then per field its outcome and the registry's value. */
export function reportHeader(fields: readonly string[]): string {
  const columns = ['line', 'idNumber', 'status', 'detail'];
  for (const field of fields) columns.push(field, `${field}.registry`);
  return `${columns.join(',')}\n`;
}

export const CONSENT_BASIS = (consentId: string) =>
  `Sự đồng ý của công dân / the citizen's consent (${consentId})`;

type Row = Record<string, unknown>;

// One bit per comparable field (16 of them): a compared field's bit, a released field's bit × 2^16.
const fieldBit = Object.fromEntries(comparableFields.map((field, i) => [field, 2 ** i])) as Record<
  ComparableField,
  number
>;

/**
 * The audit entry of one batch: the agency read the people found (its members) for the purpose,
 * under its legal basis — or, for a purpose that has none, each member's consent where given
 * (the member's own legal basis) and otherwise a verification that returns no data.
 */
export function batchAuditEntry(
  settings: Pick<MatchSettings, 'jobId' | 'agency' | 'purpose' | 'now'>,
): AuditEntryInput {
  return {
    recordedAt: settings.now,
    actor: { kind: 'agency', id: settings.agency.agencyId, unit: settings.agency.name },
    action: 'exchange.person.matched',
    purpose: purposeText(settings.purpose),
    legalBasis: settings.purpose.legalBasis ?? VERIFICATION_BASIS_FALLBACK,
    details: { jobId: settings.jobId },
  };
}

/** Turns rows of `sourceQuery` (in line order) into the batch's report and audit members. */
export function matchBatch(rows: readonly Row[], settings: MatchSettings): MatchedBatch {
  const { fields, format } = settings;
  const counts = emptyCounts();
  const members: AuditBatchMember[] = [];
  // Registry values go back only for fields of the purpose's policy (all compared fields are),
  // and only under its legal basis or the person's consent.
  const policy = new Set<string>(settings.purpose.fields);
  const givenColumns = fields.map((field) => `g_${fieldColumns[field].staged}`);
  // Members share one details object per combination of fields compared and released: the audit
  // package canonicalises each object once.
  const detailsOf = new Map<number, Record<string, unknown>>();
  const lines: string[] = [];
  for (const row of rows) {
    const line = Number(row.line);
    let status: RecordStatus;
    let idNumber = (row.id_number as string | null) ?? (row.given as string | null) ?? '';
    let detail = (row.detail as string | null) ?? null;
    let outcomes: Partial<Record<ComparableField, FieldOutcome>> | undefined;
    let released: Partial<Record<ComparableField, string>> | undefined;
    if (row.outcome) {
      status = row.outcome as RecordStatus;
    } else if (!row.found) {
      status = 'not_found';
    } else {
      idNumber = row.id_number as string;
      const given: Partial<Record<ComparableField, string>> = {};
      for (let i = 0; i < fields.length; i++) {
        const value = row[givenColumns[i]!];
        if (typeof value === 'string' && value.trim() !== '') given[fields[i]!] = value;
      }
      const registry = registryValuesFromRow(row, Object.keys(given) as ComparableField[], settings.units);
      outcomes = compareFields(given, registry);
      const mayRelease = settings.purpose.legalBasis !== null || row.consent_id != null;
      let mismatch = false;
      let shape = 0;
      for (const field of Object.keys(outcomes) as ComparableField[]) {
        shape |= fieldBit[field];
        if (outcomes[field] !== 'mismatch') continue;
        mismatch = true;
        const value = registry[field];
        if (mayRelease && policy.has(field) && value != null && value !== '') {
          released ??= {};
          released[field] = value;
          shape |= fieldBit[field] * 65_536;
        }
      }
      let details = detailsOf.get(shape);
      if (!details) {
        details = {
          fields: Object.keys(outcomes),
          ...(released ? { released: Object.keys(released) } : {}),
        };
        detailsOf.set(shape, details);
      }
      status = row.r_date_of_death != null ? 'deceased' : mismatch ? 'mismatched' : 'matched';
      members.push({
        subjectKey: settings.subjectKey(idNumber),
        ...(settings.purpose.legalBasis === null && row.consent_id != null
          ? { legalBasis: CONSENT_BASIS(String(row.consent_id)) }
          : {}),
        details,
      });
    }
    counts[status]++;
    lines.push(
      format === 'csv'
        ? csvLine(line, idNumber, status, detail, fields, outcomes, released)
        : ndjsonLine(line, idNumber, status, detail, outcomes, released),
    );
    detail = null;
  }
  return {
    body: lines.length > 0 ? `${lines.join('\n')}\n` : '',
    counts,
    records: rows.length,
    firstLine: rows.length > 0 ? Number(rows[0]!.line) : 0,
    lastLine: rows.length > 0 ? Number(rows[rows.length - 1]!.line) : 0,
    members,
  };
}

function csvLine(
  line: number,
  idNumber: string,
  status: RecordStatus,
  detail: string | null,
  fields: readonly ComparableField[],
  outcomes: Partial<Record<ComparableField, FieldOutcome>> | undefined,
  released: Partial<Record<ComparableField, string>> | undefined,
): string {
  let text = `${line},${idNumber === '' ? '' : csvField(idNumber)},${status},${csvField(detail)}`;
  for (const field of fields) text += `,${outcomes?.[field] ?? ''},${csvField(released?.[field] ?? null)}`;
  return text;
}

function ndjsonLine(
  line: number,
  idNumber: string,
  status: RecordStatus,
  detail: string | null,
  outcomes: Partial<Record<ComparableField, FieldOutcome>> | undefined,
  released: Partial<Record<ComparableField, string>> | undefined,
): string {
  return JSON.stringify({
    line,
    idNumber,
    status,
    ...(detail ? { detail } : {}),
    ...(outcomes ? { fields: outcomes } : {}),
    ...(released ? { registry: released } : {}),
  });
}
