import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import {
  type Agency,
  type AgencyAuthenticator,
  type MatchingContext,
  type MatchingWorker,
  matchingRoutes,
  nationalSupervisorGuard,
  registerAgency,
  startMatchingWorker,
} from '@dinhdanh/exchange';
import { AppError, createLogger, fixedClock } from '@dinhdanh/kernel';
import { AdminUnits, defaultRules, issueOfficerToken, seedPopulation } from '@dinhdanh/registry';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendProblem, toAppError } from '../src/errors.ts';
import { createTestApp } from './test-app.ts';

const clock = fixedClock('2026-11-23T03:00:00Z');
const jwks = {
  keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })],
};
const officerKey = randomBytes(32);
const TAX = {
  code: 'tax.registration',
  description: 'Đăng ký mã số thuế',
  legalBasis: 'Luật Quản lý thuế 38/2019/QH14',
  fields: ['fullName', 'dateOfBirth'] as ('fullName' | 'dateOfBirth')[],
};

let database: Database;
let app: FastifyInstance;
let worker: MatchingWorker;
let units: AdminUnits;
const agencies = new Map<string, Agency>();
let ids: string[];

/**
 * Stands in for the DPoP-bound token check (tested with the agency API): the test names its
 * agency in a header and holds the scopes it was registered with.
 */
const testAuthenticator: AgencyAuthenticator = async (request, scope) => {
  const agency = agencies.get(String(request.headers['x-test-agency']));
  if (!agency) throw new AppError('ERR_UNAUTHENTICATED');
  if (!agency.scopes.includes(scope)) throw new AppError('ERR_EXCHANGE_SCOPE');
  return { agency, scopes: agency.scopes };
};

beforeAll(async () => {
  database = await testDatabase();
  units = await AdminUnits.load(database.db);
  const subjectSecret = randomBytes(32);
  const registry = {
    db: database.db,
    units,
    clock,
    rules: defaultRules,
    audit: { subjectSecret, auditReads: true },
  };
  const ctx: MatchingContext = {
    db: database.db,
    clock,
    logger: createLogger('silent'),
    registry,
    subjectSecret,
    database,
  };
  await seedPopulation(database, { people: 6, seed: 9, concurrency: 1 });
  ids = (
    await sql<{ id_number: string }>`SELECT id_number FROM registry.person_match ORDER BY id_number`.execute(
      database.db,
    )
  ).rows.map((row) => row.id_number);
  agencies.set(
    'tax',
    await registerAgency(ctx, { name: 'Tổng cục Thuế', scopes: ['exchange.match'], purposes: [TAX], jwks }),
  );
  agencies.set(
    'bhxh',
    await registerAgency(ctx, { name: 'BHXH', scopes: ['exchange.match'], purposes: [TAX], jwks }),
  );
  agencies.set(
    'verify',
    await registerAgency(ctx, { name: 'Ngân hàng', scopes: ['exchange.verify'], purposes: [TAX], jwks }),
  );
  worker = startMatchingWorker(ctx, { pollMs: 50 });
  app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) =>
    sendProblem(request, reply, toAppError(error), createLogger('silent')),
  );
  await app.register(matchingRoutes, {
    prefix: '/api/exchange/v1',
    ctx,
    authenticateAgency: testAuthenticator,
    adminGuard: nationalSupervisorGuard({ officerTokenKey: officerKey, units, clock }),
    worker,
  });
  await app.ready();
});
afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await database?.close();
});

const upload = (agency: string, payload: string, contentType = 'text/csv', purpose = TAX.code) =>
  app.inject({
    method: 'POST',
    url: `/api/exchange/v1/matching-jobs?purpose=${purpose}`,
    headers: { 'x-test-agency': agency, 'content-type': contentType },
    payload,
  });
const get = (agency: string, url: string) =>
  app.inject({ method: 'GET', url: `/api/exchange/v1${url}`, headers: { 'x-test-agency': agency } });

async function finished(jobId: string) {
  for (let i = 0; i < 200; i++) {
    const job = (await get('tax', `/matching-jobs/${jobId}`)).json();
    if (job.status === 'done' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the job did not finish');
}

describe('bulk matching API', () => {
  it('uploads a CSV, matches it in the background and streams the report to its agency only', async () => {
    const csv = `idNumber,fullName\n${ids[0]},Ai Đó\n${ids[1]}\n999,x\n`;
    const created = await upload('tax', csv, 'text/csv; charset=utf-8');
    expect(created.statusCode).toBe(202);
    const { jobId } = created.json();
    expect(created.json().status).toBe('queued');
    const job = await finished(jobId);
    expect(job).toMatchObject({ status: 'done', recordsTotal: 3, recordsDone: 3, fields: ['fullName'] });
    expect(job.counts).toMatchObject({ mismatched: 1, malformed: 1, invalid_id: 1 });

    const report = await get('tax', `/matching-jobs/${jobId}/report`);
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(report.body.split('\n')[0]).toBe('line,idNumber,status,detail,fullName,fullName.registry');
    expect(report.body.split('\n')[1]).toMatch(new RegExp(`^2,${ids[0]},mismatched,,mismatch,`));

    expect((await get('bhxh', `/matching-jobs/${jobId}`)).json()).toMatchObject({
      status: 404,
      code: 'ERR_EXCHANGE_JOB_NOT_FOUND',
    });
    expect((await get('bhxh', `/matching-jobs/${jobId}/report`)).statusCode).toBe(404);
    expect((await get('bhxh', '/matching-jobs')).json().items).toEqual([]);
    expect(
      (await get('tax', '/matching-jobs')).json().items.map((item: { jobId: string }) => item.jobId),
    ).toContain(jobId);
  });

  it('takes NDJSON and answers errors as problems', async () => {
    const created = await upload(
      'tax',
      `{"idNumber":"${ids[2]}","dateOfBirth":"1900-01-01"}\n`,
      'application/x-ndjson',
    );
    expect(created.statusCode).toBe(202);
    const job = await finished(created.json().jobId);
    expect(job.counts.mismatched).toBe(1);
    const report = await get('tax', `/matching-jobs/${job.jobId}/report`);
    expect(report.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(JSON.parse(report.body.trim())).toMatchObject({ line: 1, status: 'mismatched' });

    const unknown = await upload('tax', 'idNumber,shoeSize\n');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'ERR_EXCHANGE_FILE_MALFORMED' });
    expect((await upload('tax', 'idNumber,sex\n')).json()).toMatchObject({
      code: 'ERR_EXCHANGE_FIELD_NOT_ALLOWED',
    });
    expect((await upload('verify', 'idNumber\n')).json()).toMatchObject({ code: 'ERR_EXCHANGE_SCOPE' });
    expect((await upload('nobody', 'idNumber\n')).statusCode).toBe(401);
    expect((await upload('tax', 'idNumber\n', 'text/csv; charset=latin1')).statusCode).toBe(415);
    expect((await get('tax', '/matching-jobs/mj_nothing/report')).statusCode).toBe(404);
  });

  it("lists every agency's jobs for a national supervisor, in the console's shape", async () => {
    const supervisor = (
      await issueOfficerToken(officerKey, units, { unit: 'VN', now: clock.now(), role: 'supervisor' })
    ).token;
    const officer = (await issueOfficerToken(officerKey, units, { unit: 'VN', now: clock.now() })).token;
    const list = await app.inject({
      method: 'GET',
      url: '/api/exchange/v1/admin/jobs?status=done',
      headers: { authorization: `Bearer ${supervisor}` },
    });
    expect(list.statusCode).toBe(200);
    const item = list.json().items[0];
    expect(Object.keys(item).sort()).toEqual(
      [
        'agencyId',
        'counts',
        'createdAt',
        'finishedAt',
        'jobId',
        'purpose',
        'recordsDone',
        'recordsTotal',
        'status',
      ].sort(),
    );
    const refused = await app.inject({
      method: 'GET',
      url: '/api/exchange/v1/admin/jobs',
      headers: { authorization: `Bearer ${officer}` },
    });
    expect(refused.statusCode).toBe(403);
  });

  // The wiring does not depend on the engine; a second embedded database would cost seconds.
  it.skipIf(testDatabaseKind() === 'pglite')('is mounted in the server with the exchange role', async () => {
    const server = await createTestApp();
    try {
      const token = await server.token('VN', undefined, 'supervisor');
      const response = await server.app.inject({
        method: 'GET',
        url: '/api/exchange/v1/admin/jobs',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ items: [] });
      const unauthenticated = await server.app.inject({
        method: 'POST',
        url: '/api/exchange/v1/matching-jobs?purpose=x',
        headers: { 'content-type': 'text/csv' },
        payload: 'idNumber\n',
      });
      expect(unauthenticated.statusCode).toBe(401);
    } finally {
      await server.close();
    }
  });
});
