import { accessLog, subjectKey } from '@dinhdanh/audit';
import { AppError } from '@dinhdanh/kernel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AccessLogItem,
  AccessLogQuery,
  type ActorDirectory,
  presentAccessLog,
} from './audit/access-log.presenter.ts';
import { auditedRead, officerAccessor, recordAccess, recordedPersonReader } from './audit/registry-audit.ts';
import type { RegistryContext } from './context.ts';
import {
  BirthRegistration,
  Correction,
  DeathRecord,
  DivorceRecord,
  GuardianshipRegistration,
  MarriageRegistration,
  ParentageRegistration,
} from './events/civil-events.schema.ts';
import * as civil from './events/civil-events.service.ts';
import { getHousehold, getHouseholdHistory } from './household/household.service.ts';
import { type Officer, officerTokenVerifier } from './officer/officer.ts';
import {
  Address,
  IsoDate,
  PeopleSearchRequest,
  PeopleSearchResult,
  Person,
  PersonSummary,
  RelationToHead,
  Relatives,
} from './person/person.schema.ts';
import * as people from './person/person.service.ts';
import { RecordedPersonReads } from './person/recorded-reads.ts';

declare module 'fastify' {
  interface FastifyRequest {
    officer?: Officer;
  }
}

export interface RegistryRoutesOptions {
  ctx: RegistryContext;
  /** The HMAC key officer tokens are signed with. */
  officerTokenKey: Uint8Array;
  /** Names of agencies, relying parties and accounts on access logs (the composition root knows their packages). */
  actorDirectory?: ActorDirectory | undefined;
}

const IdParam = z.object({ idNumber: z.string().describe('12-digit personal identification number') });
const HouseholdParam = z.object({ householdId: z.string() });
const HistoryEvent = z.object({
  version: z.number(),
  type: z.string(),
  effectiveDate: z.string().nullable(),
  recordedAt: z.string(),
  actor: z.string(),
  actorUnit: z.string().nullable(),
  /** The unit's name: a commune with its province, or a province; null for the country. */
  actorUnitName: z.string().nullable(),
  reason: z.string().nullable(),
  legalBasis: z.string().nullable(),
  /** Values as recorded; addresses with their units' names (`text`). */
  changes: z.record(z.string(), z.unknown()),
  previous: z.record(z.string(), z.unknown()).nullable(),
});
const Household = z.object({
  householdId: z.string(),
  headIdNumber: z.string().nullable(),
  address: Address,
  residenceFileNumber: z.string().nullable(),
  members: z.array(PersonSummary.extend({ relationToHead: RelationToHead.nullable() })),
  version: z.number(),
});
const Relations = z.object({
  father: PersonSummary.nullable(),
  mother: PersonSummary.nullable(),
  spouse: PersonSummary.nullable(),
  guardian: PersonSummary.nullable(),
  legalRepresentative: PersonSummary.nullable(),
  children: z.array(PersonSummary),
  external: Relatives,
});
const Unit = z.object({ code: z.string(), name: z.string(), fullName: z.string() });
const security = [{ officerToken: [] }];

/** The officer API of the National Population Database, under /api/registry/v1. */
export async function registryRoutes(app: FastifyInstance, options: RegistryRoutesOptions): Promise<void> {
  const { ctx, officerTokenKey } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();

  const verifyToken = officerTokenVerifier(officerTokenKey, ctx.units);
  const personReads = new RecordedPersonReads(ctx.db, ctx.clock);
  api.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer ([A-Za-z0-9._~+/=-]+)$/);
    if (!match?.[1]) throw new AppError('ERR_UNAUTHENTICATED', 'an officer bearer token is required');
    request.officer = await verifyToken(match[1], ctx.clock.now());
  });
  const officer = (request: FastifyRequest) => request.officer!;
  // Officers may state why they look someone up; it is recorded on the person's access log.
  // Header values are Latin-1, so Vietnamese text arrives percent-encoded (encodeURIComponent).
  const header = (request: FastifyRequest, name: string) => {
    const value = request.headers[name];
    if (typeof value !== 'string') return undefined;
    let text = value;
    try {
      text = decodeURIComponent(value);
    } catch {}
    return [...text]
      .map((ch) => ((ch.codePointAt(0) ?? 0) < 0x20 ? ' ' : ch))
      .join('')
      .trim()
      .slice(0, 200);
  };
  const accessor = (request: FastifyRequest) =>
    officerAccessor(officer(request), header(request, 'x-purpose'), header(request, 'x-legal-basis'));

  api.get(
    '/me',
    {
      schema: {
        tags: ['registry'],
        summary: 'The signed-in officer and their unit',
        security,
        response: {
          200: z.object({
            officerId: z.string(),
            unit: z.object({
              code: z.string(),
              name: z.string(),
              level: z.enum(['country', 'province', 'commune']),
              /** The 2025 province of the unit (null for the country): where the officer may write. */
              provinceCode: z.string().nullable(),
            }),
            role: z.enum(['officer', 'supervisor']),
          }),
        },
      },
    },
    async (request) => {
      const { unit, ...rest } = officer(request);
      const provinceCode =
        unit.level === 'commune'
          ? ctx.units.provinceOf('2025', unit.code)
          : unit.level === 'province'
            ? unit.code
            : null;
      return { ...rest, unit: { ...unit, provinceCode } };
    },
  );

  api.get(
    '/admin-units/provinces',
    {
      schema: {
        tags: ['registry'],
        summary: '2025 provinces',
        security,
        response: { 200: z.object({ items: z.array(Unit) }) },
      },
    },
    async () => ({
      items: ctx.units
        .provinces('2025')
        .map((unit) => ({ code: unit.code, name: unit.name, fullName: unit.fullName })),
    }),
  );

  api.get(
    '/admin-units/provinces/:provinceCode/communes',
    {
      schema: {
        tags: ['registry'],
        summary: 'Communes of a 2025 province',
        security,
        params: z.object({ provinceCode: z.string().regex(/^\d{2}$/) }),
        response: { 200: z.object({ items: z.array(Unit) }) },
      },
    },
    async (request) => {
      const communes = ctx.units.communes(request.params.provinceCode);
      if (communes.length === 0) throw new AppError('ERR_ADMIN_UNIT_UNKNOWN');
      return {
        items: communes.map((unit) => ({ code: unit.code, name: unit.name, fullName: unit.fullName })),
      };
    },
  );

  api.get(
    '/people/:idNumber',
    {
      schema: {
        tags: ['registry'],
        summary: 'A person by ID number, now or as of a past date',
        security,
        params: IdParam,
        querystring: z.object({ asOf: IsoDate.optional() }),
        response: { 200: Person },
      },
    },
    async (request) =>
      request.query.asOf
        ? auditedRead(
            ctx,
            accessor(request),
            'registry.person.read',
            (scoped) => people.getPersonAsOf(scoped, request.params.idNumber, request.query.asOf!),
            (person) => [person.idNumber],
          )
        : // The hot path: one statement reads the person and records the read.
          people.getPersonRecorded(
            ctx,
            request.params.idNumber,
            recordedPersonReader(ctx, personReads, accessor(request)),
          ),
  );

  api.get(
    '/people/:idNumber/history',
    {
      schema: {
        tags: ['registry'],
        summary: "A person's events, oldest first",
        security,
        params: IdParam,
        response: { 200: z.object({ events: z.array(HistoryEvent) }) },
      },
    },
    async (request) => ({
      events: await auditedRead(
        ctx,
        accessor(request),
        'registry.person.history_read',
        (scoped) => people.getPersonHistory(scoped, request.params.idNumber),
        () => [request.params.idNumber],
      ),
    }),
  );

  api.get(
    '/people/:idNumber/relations',
    {
      schema: {
        tags: ['registry'],
        summary: 'Parents, spouse, children, guardian',
        security,
        params: IdParam,
        response: { 200: Relations },
      },
    },
    async (request) =>
      auditedRead(
        ctx,
        accessor(request),
        'registry.person.relations_read',
        (scoped) => people.getRelations(scoped, request.params.idNumber),
        (relations) => [
          request.params.idNumber,
          ...[
            relations.father,
            relations.mother,
            relations.spouse,
            relations.guardian,
            relations.legalRepresentative,
          ]
            .filter((relative) => relative !== null)
            .map((relative) => relative.idNumber),
          ...relations.children.map((child) => child.idNumber),
        ],
      ),
  );

  api.post(
    '/people/search',
    {
      schema: {
        tags: ['registry'],
        summary:
          'Search by name (diacritics and case ignored, prefix) and date of birth, optionally in a province',
        description:
          'A POST so that names and dates of birth never appear in URLs or access logs. Pages of `limit` ' +
          '(default 50) from `offset`, name order; `total` counts the matches up to 10,000 ' +
          '(`totalCapped` when there are more), and results can be paged within those first 10,000.',
        security,
        body: PeopleSearchRequest,
        response: { 200: PeopleSearchResult },
      },
    },
    async (request) =>
      auditedRead(
        ctx,
        accessor(request),
        'registry.person.search_result',
        (scoped) => people.searchPeoplePage(scoped, request.body),
        (page) => page.items.map((item) => item.idNumber),
      ),
  );

  api.post(
    '/people/:idNumber/corrections',
    {
      schema: {
        tags: ['registry'],
        summary: 'Correct one field of a person',
        security,
        params: IdParam,
        body: Correction,
        response: { 200: Person },
      },
    },
    async (request) => civil.correctPerson(ctx, officer(request), request.params.idNumber, request.body),
  );

  api.get(
    '/households/:householdId',
    {
      schema: {
        tags: ['registry'],
        summary: 'A household and its members',
        security,
        params: HouseholdParam,
        response: { 200: Household },
      },
    },
    async (request) =>
      auditedRead(
        ctx,
        accessor(request),
        'registry.household.read',
        (scoped) => getHousehold(scoped, request.params.householdId),
        (household) => household.members.map((member) => member.idNumber),
      ),
  );

  api.get(
    '/households/:householdId/history',
    {
      schema: {
        tags: ['registry'],
        summary: "A household's events",
        security,
        params: HouseholdParam,
        response: {
          200: z.object({
            events: z.array(
              z.object({
                version: z.number(),
                type: z.string(),
                recordedAt: z.string(),
                actor: z.string(),
                reason: z.string().nullable(),
                legalBasis: z.string().nullable(),
                data: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ events: await getHouseholdHistory(ctx, request.params.householdId) }),
  );

  api.post(
    '/births',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a birth (assigns the ID number)',
        security,
        body: BirthRegistration,
        response: { 201: Person },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await civil.registerBirth(ctx, officer(request), request.body)),
  );

  api.post(
    '/deaths',
    {
      schema: {
        tags: ['registry'],
        summary: 'Record a death',
        security,
        body: DeathRecord,
        response: { 200: Person },
      },
    },
    async (request) => civil.recordDeath(ctx, officer(request), request.body),
  );

  api.post(
    '/marriages',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a marriage',
        security,
        body: MarriageRegistration,
        response: { 201: z.object({ partyA: Person, partyB: Person }) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await civil.registerMarriage(ctx, officer(request), request.body)),
  );

  api.post(
    '/divorces',
    {
      schema: {
        tags: ['registry'],
        summary: 'Record a divorce',
        security,
        body: DivorceRecord,
        response: { 200: z.object({ partyA: Person, partyB: Person }) },
      },
    },
    async (request) => civil.registerDivorce(ctx, officer(request), request.body),
  );

  api.post(
    '/guardianships',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a guardian or legal representative for a person',
        security,
        body: GuardianshipRegistration,
        response: { 201: Person },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await civil.registerGuardianship(ctx, officer(request), request.body)),
  );

  api.post(
    '/parentages',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a parent of a child (both in the registry) where the child has none recorded',
        security,
        body: ParentageRegistration,
        response: { 201: Person },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await civil.registerParentage(ctx, officer(request), request.body)),
  );

  api.get(
    '/people/:idNumber/access-log',
    {
      schema: {
        tags: ['registry'],
        summary: "Who accessed or changed a person's data (supervisors only)",
        description: 'Reading the access log is itself recorded on it.',
        security,
        params: IdParam,
        querystring: AccessLogQuery,
        response: { 200: z.object({ items: z.array(AccessLogItem) }) },
      },
    },
    async (request) => {
      if (officer(request).role !== 'supervisor')
        throw new AppError('ERR_FORBIDDEN', 'only a supervisor may read access logs');
      const idNumber = people.assertIdNumber(request.params.idNumber, ctx.clock.now());
      const key = subjectKey(ctx.audit.subjectSecret, idNumber);
      const items = await ctx.db.transaction().execute(async (trx) => {
        const scoped = { ...ctx, db: trx };
        await people.getPerson(scoped, idNumber);
        const read = await accessLog(trx, key, {
          limit: request.query.limit,
          ...(request.query.before ? { before: request.query.before } : {}),
        });
        await recordAccess(trx, scoped, accessor(request), 'registry.access_log.read', [idNumber]);
        return read;
      });
      // Named after the transaction: the directory reads other packages' tables on its own
      // connection, which on the embedded database (one connection) would wait for this one.
      return {
        items: await presentAccessLog(items, {
          units: ctx.units,
          directory: options.actorDirectory,
          owner: { subjectKey: key },
        }),
      };
    },
  );
}
