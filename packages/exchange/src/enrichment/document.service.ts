import { createHash } from 'node:crypto';
import { type AuditEntryInput, appendAuditEntries, canonicalJson, subjectKey } from '@dinhdanh/audit';
import { AppError, vietnamDate } from '@dinhdanh/kernel';
import { type Accessor, assertIdNumber, decodeIdNumber } from '@dinhdanh/registry';
import { DocumentKind, type Purpose } from '../agency/agency.schema.ts';
import type { AgencyPrincipal } from '../auth/agency-principal.ts';
import { purposeOf, purposeText } from '../auth/purpose.ts';
import { compareFields } from '../compare/field-compare.ts';
import type { ExchangeContext } from '../context.ts';
import {
  claimNumbers,
  documentKeyOf,
  findHolders,
  findNumberOwners,
  findVersionFacts,
  type Holder,
  insertVersions,
  listVersionsOf,
  lockAgencyPushes,
  type NumberKey,
  numberKeyOf,
  type VersionFacts,
  type VersionRow,
} from './document.repository.ts';
import {
  type DocumentConflict,
  type DocumentOutcome,
  type DocumentStatus,
  MAX_DOCUMENTS_PER_PUSH,
  type PersonDocument,
  type PushResult,
  type ValidDocument,
  validateDocument,
} from './document.schema.ts';
import { type DocumentRules, datesWithinLife, defaultDocumentRules, numberScope } from './document-kinds.ts';

/** Said in the access log when the purpose an agency names has no legal basis of its own. */
export const ENRICHMENT_BASIS_FALLBACK =
  'Cập nhật giấy tờ do cơ quan quản lý ngành cung cấp (Quyết định 06/QĐ-TTg) / sectoral documents supplied by the issuing agency (Decision 06/QĐ-TTg)';

export const DOCUMENTS_PUSHED = 'exchange.document.pushed';
export const DOCUMENTS_READ = 'exchange.document.read';

/** The content a version is recognised by: what the document says, not who sent it when. */
function contentHash(document: ValidDocument): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        idNumber: document.idNumber,
        issuer: document.issuer,
        issuedOn: document.issuedOn,
        validFrom: document.validFrom,
        validUntil: document.validUntil,
        data: document.data,
      }),
    )
    .digest('hex');
}

/**
 * Whether `incoming` is older than `latest` by the first date both carry: the agency's own
 * record time, then the issue date, then the start of validity. Equal dates are not older: a
 * correction of the same state is a new version.
 */
function isOlder(incoming: ValidDocument, latest: VersionFacts): boolean {
  if (incoming.recordedAt && latest.sourceRecordedAt) return incoming.recordedAt < latest.sourceRecordedAt;
  if (incoming.issuedOn && latest.issuedOn) return incoming.issuedOn < latest.issuedOn;
  if (incoming.validFrom && latest.validFrom) return incoming.validFrom < latest.validFrom;
  return false;
}

/** What the registry says against a document: holder mismatch, dates before birth. */
function registryConflicts(document: ValidDocument, person: Holder): DocumentConflict[] {
  const conflicts: DocumentConflict[] = [];
  const holder = document.holder;
  if (holder) {
    const given: { fullName?: string; dateOfBirth?: string } = {};
    if (holder.fullName !== undefined) given.fullName = holder.fullName;
    if (holder.dateOfBirth !== undefined) given.dateOfBirth = holder.dateOfBirth;
    const outcome = compareFields(given, {
      fullName: person.fullName,
      otherNames: person.otherNames,
      dateOfBirth: person.dateOfBirth,
    });
    if (outcome.fullName === 'mismatch')
      conflicts.push({
        type: 'holder_mismatch',
        field: 'holder.fullName',
        detail: 'does not match the registry',
      });
    if (outcome.dateOfBirth === 'mismatch')
      conflicts.push({
        type: 'holder_mismatch',
        field: 'holder.dateOfBirth',
        detail: 'does not match the registry',
      });
  }
  const dates: [string, string | null][] = [
    ['issuedOn', document.issuedOn],
    ['validFrom', document.validFrom],
    ...datesWithinLife(document.kind, document.data),
  ];
  for (const [field, date] of dates)
    if (date && date < person.dateOfBirth)
      conflicts.push({ type: 'before_birth', field, detail: 'before the holder’s date of birth' });
  return conflicts;
}

/** The kinds in a push the agency may not push (checked before anything is read or stored). */
function kindsNotAllowed(principal: AgencyPrincipal, documents: readonly unknown[]): DocumentKind[] {
  const refused = new Set<DocumentKind>();
  for (const document of documents) {
    const kind = DocumentKind.safeParse((document as { kind?: unknown } | null)?.kind);
    if (kind.success && !principal.agency.documentKinds.includes(kind.data)) refused.add(kind.data);
  }
  return [...refused];
}

/**
 * Stores the documents an agency pushes, each linked to a person: a new document or a changed
 * state is appended as a new version (earlier versions stay), the same content again is
 * `unchanged`, and anything the registry contradicts is rejected with its reasons — never
 * silently overwritten. Everything happens in one transaction with one audit entry per person
 * the push concerned (existing people only), under the named purpose.
 *
 * Whole-call errors: ERR_EXCHANGE_BATCH_TOO_LARGE, ERR_EXCHANGE_DOCUMENT_INVALID (empty),
 * ERR_EXCHANGE_PURPOSE, ERR_EXCHANGE_DOCUMENT_KIND (a kind outside the agency's grant).
 */
export async function pushDocuments(
  ctx: ExchangeContext,
  principal: AgencyPrincipal,
  purposeCode: string,
  documents: readonly unknown[],
  rules: DocumentRules = defaultDocumentRules,
): Promise<PushResult> {
  if (documents.length > MAX_DOCUMENTS_PER_PUSH) throw new AppError('ERR_EXCHANGE_BATCH_TOO_LARGE');
  if (documents.length === 0) throw new AppError('ERR_EXCHANGE_DOCUMENT_INVALID', 'no documents');
  const purpose = purposeOf(principal, purposeCode);
  const refused = kindsNotAllowed(principal, documents);
  if (refused.length > 0)
    throw new AppError('ERR_EXCHANGE_DOCUMENT_KIND', `not granted: ${refused.join(', ')}`, {
      kinds: refused,
    });

  const agencyId = principal.agency.agencyId;
  const now = ctx.clock.now();
  const today = vietnamDate(now);
  const results: DocumentOutcome[] = [];
  const valid: { index: number; document: ValidDocument }[] = [];
  documents.forEach((input, index) => {
    const checked = validateDocument(input, today, rules);
    const decoded = checked.ok ? decodeIdNumber(checked.document.idNumber, now) : undefined;
    if (checked.ok && decoded?.ok) valid.push({ index, document: checked.document });
    else {
      const errors = checked.ok
        ? [{ path: 'idNumber', message: decoded && !decoded.ok ? decoded.problem.message : 'invalid' }]
        : checked.errors;
      const kind = DocumentKind.safeParse((input as { kind?: unknown } | null)?.kind);
      results[index] = {
        index,
        status: 'rejected',
        kind: kind.success ? kind.data : null,
        number: null,
        reason: 'invalid',
        errors,
      };
    }
  });

  const reject = (index: number, document: ValidDocument, outcome: Partial<DocumentOutcome>) => {
    results[index] = {
      index,
      status: 'rejected',
      kind: document.kind,
      number: document.number,
      ...outcome,
    };
  };

  await ctx.db.transaction().execute(async (trx) => {
    await lockAgencyPushes(trx, agencyId);
    const people = await findHolders(trx, [...new Set(valid.map((entry) => entry.document.idNumber))]);

    // The registry's word first: unknown, deceased, contradicted.
    const candidates: { index: number; document: ValidDocument; numberKey: NumberKey }[] = [];
    for (const { index, document } of valid) {
      const person = people.get(document.idNumber);
      if (!person) reject(index, document, { reason: 'not_found' });
      else if (person.dateOfDeath) reject(index, document, { reason: 'deceased' });
      else {
        const conflicts = registryConflicts(document, person);
        if (conflicts.length > 0) reject(index, document, { reason: 'conflict', conflicts });
        else
          candidates.push({
            index,
            document,
            numberKey: {
              kind: document.kind,
              scope: numberScope[document.kind] === 'national' ? '' : agencyId,
              number: document.number,
            },
          });
      }
    }

    // Numbers: the first holder a number is linked to keeps it; the database's key settles races.
    const keys = candidates.map((candidate) => candidate.numberKey);
    let owners = await findNumberOwners(trx, keys);
    const claims = new Map<string, NumberKey & { idNumber: string }>();
    for (const { numberKey, document } of candidates) {
      const key = numberKeyOf(numberKey);
      if (!owners.has(key) && !claims.has(key))
        claims.set(key, { ...numberKey, idNumber: document.idNumber });
    }
    if (claims.size > 0) {
      await claimNumbers(trx, [...claims.values()], agencyId, now);
      owners = await findNumberOwners(trx, keys);
    }

    const history = await findVersionFacts(
      trx,
      agencyId,
      candidates.map(({ document }) => ({ kind: document.kind, number: document.number })),
    );
    const inserts: VersionRow[] = [];
    for (const { index, document, numberKey } of candidates) {
      if (owners.get(numberKeyOf(numberKey)) !== document.idNumber) {
        reject(index, document, {
          reason: 'conflict',
          conflicts: [
            {
              type: 'number_on_other_person',
              field: 'number',
              detail: 'already recorded for another person',
            },
          ],
        });
        continue;
      }
      const key = documentKeyOf(document.kind, document.number);
      const versions = history.get(key) ?? [];
      const latest = versions.at(-1);
      const hash = contentHash(document);
      if (latest?.contentHash === hash) {
        results[index] = {
          index,
          status: 'unchanged',
          kind: document.kind,
          number: document.number,
          version: latest.version,
        };
        continue;
      }
      if (latest && (versions.some((version) => version.contentHash === hash) || isOlder(document, latest))) {
        reject(index, document, {
          reason: 'conflict',
          version: latest.version,
          conflicts: [
            {
              type: 'older_version',
              detail: `older than version ${latest.version} on file`,
            },
          ],
        });
        continue;
      }
      const version = (latest?.version ?? 0) + 1;
      versions.push({
        version,
        contentHash: hash,
        issuedOn: document.issuedOn,
        validFrom: document.validFrom,
        sourceRecordedAt: document.recordedAt,
      });
      history.set(key, versions);
      inserts.push({
        idNumber: document.idNumber,
        kind: document.kind,
        agencyId,
        number: document.number,
        version,
        issuer: document.issuer,
        issuedOn: document.issuedOn,
        validFrom: document.validFrom,
        validUntil: document.validUntil,
        data: document.data,
        contentHash: hash,
        sourceRecordedAt: document.recordedAt,
        purpose: purpose.code,
        receivedAt: now,
      });
      results[index] = { index, status: 'stored', kind: document.kind, number: document.number, version };
    }
    await insertVersions(trx, inserts);
    await appendAuditEntries(trx, pushAuditEntries(ctx, principal, purpose, valid, results, people));
  });

  const summary = { stored: 0, unchanged: 0, rejected: 0 };
  for (const result of results) summary[result.status]++;
  return { purpose: purpose.code, summary, results };
}

/**
 * One entry per existing person the push named: what kinds were stored, unchanged or rejected.
 * No numbers or values: the log is permanent and the citizen sees the kinds.
 */
function pushAuditEntries(
  ctx: ExchangeContext,
  principal: AgencyPrincipal,
  purpose: Purpose,
  valid: readonly { index: number; document: ValidDocument }[],
  results: readonly DocumentOutcome[],
  people: ReadonlyMap<string, Holder>,
): AuditEntryInput[] {
  const byPerson = new Map<string, Record<DocumentOutcome['status'], DocumentKind[]>>();
  for (const { index, document } of valid) {
    if (!people.get(document.idNumber)) continue;
    const outcome = results[index]!;
    const entry = byPerson.get(document.idNumber) ?? { stored: [], unchanged: [], rejected: [] };
    entry[outcome.status].push(document.kind);
    byPerson.set(document.idNumber, entry);
  }
  return [...byPerson].map(([idNumber, outcomes]) => ({
    recordedAt: ctx.clock.now(),
    actor: { kind: 'agency', id: principal.agency.agencyId, unit: principal.agency.name },
    action: DOCUMENTS_PUSHED,
    subjectKey: subjectKey(ctx.subjectSecret, idNumber),
    purpose: purposeText(purpose),
    legalBasis: purpose.legalBasis ?? ENRICHMENT_BASIS_FALLBACK,
    details: outcomes,
  }));
}

function statusOn(today: string, validFrom: string | null, validUntil: string | null): DocumentStatus {
  if (validFrom && validFrom > today) return 'not_yet_valid';
  if (validUntil && validUntil < today) return 'expired';
  return 'valid';
}

/**
 * A person's sectoral documents: per source and number, the latest version with its status
 * today, and with `history` the earlier versions. With an `accessor` the read is recorded in the
 * person's access log in the same transaction (the officer console, an agency); the citizen's
 * own wallet reads without one.
 */
export async function listPersonDocuments(
  ctx: ExchangeContext,
  idNumber: string,
  options: { accessor?: Accessor; history?: boolean } = {},
): Promise<PersonDocument[]> {
  const id = assertIdNumber(idNumber, ctx.clock.now());
  const read = async (db: ExchangeContext['db']) => {
    const versions = await listVersionsOf(db, id);
    if (options.accessor)
      await appendAuditEntries(db, [
        {
          recordedAt: ctx.clock.now(),
          actor: { kind: options.accessor.kind, id: options.accessor.id, unit: options.accessor.unit },
          action: DOCUMENTS_READ,
          subjectKey: subjectKey(ctx.subjectSecret, id),
          purpose: options.accessor.purpose,
          legalBasis: options.accessor.legalBasis,
          details: { documents: new Set(versions.map((v) => `${v.kind} ${v.agencyId} ${v.number}`)).size },
        },
      ]);
    return versions;
  };
  const versions = options.accessor
    ? await ctx.db.transaction().execute((trx) => read(trx))
    : await read(ctx.db);
  const today = vietnamDate(ctx.clock.now());
  const byDocument = new Map<string, PersonDocument>();
  // Versions come grouped by document, newest first: the first of each is the current one.
  for (const { kind, number, agencyId, agencyName, ...state } of versions) {
    const key = `${kind}\u0000${agencyId}\u0000${number}`;
    const current = byDocument.get(key);
    if (current) {
      if (options.history) current.history.push(state);
      continue;
    }
    byDocument.set(key, {
      ...state,
      kind,
      number,
      source: { agencyId, name: agencyName },
      status: statusOn(today, state.validFrom, state.validUntil),
      history: [],
    });
  }
  return [...byDocument.values()];
}
