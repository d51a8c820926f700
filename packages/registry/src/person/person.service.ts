import { AppError, foldVietnamese } from '@dinhdanh/kernel';
import type { RegistryContext } from '../context.ts';
import { decodeIdNumber } from '../id-number/id-number.ts';
import { presentChanges, presentPerson, presentSummary } from './person.presenter.ts';
import * as repo from './person.repository.ts';
import { type PeopleSearchResult, type Person, type PersonSummary, SEARCH_WINDOW } from './person.schema.ts';
import { applyChanges, type PersonState, rowToState } from './person.state.ts';

/** Throws ERR_ID_NUMBER_INVALID with the decoder's reason for a malformed or impossible number. */
export function assertIdNumber(idNumber: unknown, now: Date = new Date()): string {
  const decoded = decodeIdNumber(idNumber, now);
  if (!decoded.ok)
    throw new AppError('ERR_ID_NUMBER_INVALID', decoded.problem.message, { reason: decoded.problem.reason });
  return decoded.value.idNumber;
}

export async function findPerson(ctx: RegistryContext, idNumber: string): Promise<Person | undefined> {
  const found = await repo.findPersonRow(ctx.db, assertIdNumber(idNumber, ctx.clock.now()));
  return found ? presentPerson(found.state, found.version, ctx.units) : undefined;
}

/**
 * A person read by someone whose read must be on the person's access log: `read` fetches the
 * row and records the read atomically (RecordedPersonReads), or plainly when reads are not audited.
 */
export async function getPersonRecorded(
  ctx: RegistryContext,
  idNumber: string,
  read: (idNumber: string) => Promise<{ state: PersonState; version: number } | undefined>,
): Promise<Person> {
  const found = await read(assertIdNumber(idNumber, ctx.clock.now()));
  if (!found) throw new AppError('ERR_PERSON_NOT_FOUND');
  return presentPerson(found.state, found.version, ctx.units);
}

export async function getPerson(ctx: RegistryContext, idNumber: string): Promise<Person> {
  const person = await findPerson(ctx, idNumber);
  if (!person) throw new AppError('ERR_PERSON_NOT_FOUND');
  return person;
}

/**
 * The person as the registry shows them on `asOf`: the fold of every event whose legal
 * effective date (or, without one, its recording date) is on or before that day. Unit names
 * are those in force on that day.
 */
export async function getPersonAsOf(ctx: RegistryContext, idNumber: string, asOf: string): Promise<Person> {
  const events = await repo.listPersonEvents(ctx.db, assertIdNumber(idNumber, ctx.clock.now()), asOf);
  if (events.length === 0) throw new AppError('ERR_PERSON_NOT_FOUND', `no record of this person on ${asOf}`);
  let state: PersonState | undefined;
  for (const event of events) state = applyChanges(state, event.data.changes);
  return presentPerson(state!, events[events.length - 1]!.version, ctx.units, asOf);
}

/** The name of an officer's unit: a 2025 commune with its province, or a province (null for the country). */
function unitName(units: RegistryContext['units'], code: string): string | null {
  const level = /^\d{5}$/.test(code) ? 'commune' : /^\d{2}$/.test(code) ? 'province' : undefined;
  const unit = level ? units.find('2025', level, code) : undefined;
  if (!unit) return null;
  const province = level === 'commune' ? units.find('2025', 'province', unit.provinceCode) : undefined;
  return province ? `${unit.fullName}, ${province.fullName}` : unit.fullName;
}

export async function getPersonHistory(ctx: RegistryContext, idNumber: string) {
  const id = assertIdNumber(idNumber, ctx.clock.now());
  const events = await repo.listPersonEvents(ctx.db, id);
  if (events.length === 0) throw new AppError('ERR_PERSON_NOT_FOUND');
  return events.map((event) => ({
    version: event.version,
    type: event.type,
    effectiveDate: event.effectiveDate,
    recordedAt: event.recordedAt.toISOString(),
    actor: event.actor,
    actorUnit: event.actorUnit,
    reason: event.reason,
    legalBasis: event.legalBasis,
    actorUnitName: event.actorUnit ? unitName(ctx.units, event.actorUnit) : null,
    changes: presentChanges(event.data.changes as Record<string, unknown>, ctx.units),
    previous: event.data.previous
      ? presentChanges(event.data.previous as Record<string, unknown>, ctx.units)
      : null,
  }));
}

export interface PeopleSearchQuery {
  fullName: string;
  dateOfBirth?: string | undefined;
  provinceCode?: string | undefined;
  limit?: number | undefined;
}

function matchOf(ctx: RegistryContext, query: PeopleSearchQuery) {
  const nameKey = foldVietnamese(query.fullName);
  if (nameKey.length < 2) throw new AppError('ERR_VALIDATION', 'the name must have at least 2 letters');
  if (query.provinceCode && !ctx.units.find('2025', 'province', query.provinceCode))
    throw new AppError('ERR_ADMIN_UNIT_UNKNOWN', `no 2025 province with code ${query.provinceCode}`);
  return { nameKey, dateOfBirth: query.dateOfBirth, provinceCode: query.provinceCode };
}

export async function searchPeople(ctx: RegistryContext, query: PeopleSearchQuery): Promise<PersonSummary[]> {
  const rows = await repo.searchPeople(ctx.db, {
    ...matchOf(ctx, query),
    limit: Math.min(query.limit ?? 50, 200),
  });
  return rows.map((row) => stripRelation(presentSummary(row, ctx.units)));
}

/** One page of a search, with the number of matches (capped at SEARCH_WINDOW). */
export async function searchPeoplePage(
  ctx: RegistryContext,
  query: PeopleSearchQuery & { offset?: number | undefined },
): Promise<PeopleSearchResult> {
  const match = matchOf(ctx, query);
  const limit = Math.min(query.limit ?? 50, 200);
  const offset = query.offset ?? 0;
  if (offset + limit > SEARCH_WINDOW)
    throw new AppError(
      'ERR_SEARCH_TOO_BROAD',
      `results can be paged up to the first ${SEARCH_WINDOW}; narrow the search`,
    );
  const rows = await repo.searchPeople(ctx.db, { ...match, limit, offset });
  const count = await repo.countPeopleMatching(ctx.db, match, SEARCH_WINDOW);
  return {
    items: rows.map((row) => stripRelation(presentSummary(row, ctx.units))),
    offset,
    limit,
    total: Math.min(count, SEARCH_WINDOW),
    totalCapped: count > SEARCH_WINDOW,
  };
}

function stripRelation({
  relationToHead: _,
  ...summary
}: PersonSummary & { relationToHead: unknown }): PersonSummary {
  return summary;
}

export async function getRelations(ctx: RegistryContext, idNumber: string) {
  const found = await repo.findPersonRow(ctx.db, assertIdNumber(idNumber, ctx.clock.now()));
  if (!found) throw new AppError('ERR_PERSON_NOT_FOUND');
  const { state } = found;
  const ids = [
    state.fatherIdNumber,
    state.motherIdNumber,
    state.spouseIdNumber,
    state.guardianIdNumber,
    state.legalRepresentativeIdNumber,
  ].filter((id): id is string => !!id);
  const rows = await repo.findSummaries(ctx.db, ids);
  const byId = new Map(
    rows.map((row) => [String(row.id_number), stripRelation(presentSummary(row, ctx.units))]),
  );
  const pick = (id: string | null) => (id ? (byId.get(id) ?? null) : null);
  const children = (await repo.findChildren(ctx.db, state.idNumber)).map((row) =>
    stripRelation(presentSummary(row, ctx.units)),
  );
  return {
    father: pick(state.fatherIdNumber),
    mother: pick(state.motherIdNumber),
    spouse: pick(state.spouseIdNumber),
    guardian: pick(state.guardianIdNumber),
    legalRepresentative: pick(state.legalRepresentativeIdNumber),
    children,
    external: state.relatives,
  };
}

/**
 * The people under `idNumber`'s guardianship or legal representation (the ward's record holds
 * the link; this is its reverse, for the guardian's eID account).
 */
export async function getWards(ctx: RegistryContext, idNumber: string): Promise<PersonSummary[]> {
  const rows = await repo.findWards(ctx.db, assertIdNumber(idNumber, ctx.clock.now()));
  return rows.map((row) => stripRelation(presentSummary(row, ctx.units)));
}

/** Streams every person (keyset pages of `pageSize`), optionally within a 2025 province. */
export async function* streamPeople(
  ctx: RegistryContext,
  options: { provinceCode?: string | undefined; limit?: number | undefined; pageSize?: number },
): AsyncGenerator<Person> {
  let after: string | undefined;
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  const pageSize = options.pageSize ?? 2000;
  while (remaining > 0) {
    const rows = await repo.listPeoplePage(ctx.db, {
      provinceCode: options.provinceCode,
      after,
      limit: Math.min(pageSize, remaining),
    });
    if (rows.length === 0) return;
    for (const row of rows) {
      yield presentPerson(rowToState(row), Number(row.version), ctx.units);
    }
    remaining -= rows.length;
    after = String(rows[rows.length - 1]!.id_number);
    if (rows.length < pageSize) return;
  }
}
