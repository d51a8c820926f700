import { generateKeyPairSync } from 'node:crypto';
import { testDatabaseKind } from '@dinhdanh/db/testing';
import {
  type Agency,
  type AgencyAuthenticator,
  type ExchangeContext,
  enrichmentRoutes,
  findAgency,
  listPersonDocuments,
  registerAgency,
} from '@dinhdanh/exchange';
import { AppError, createLogger } from '@dinhdanh/kernel';
import { type Officer, type RegistryContext, recordDeath, registerBirth } from '@dinhdanh/registry';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendProblem, toAppError } from '../src/errors.ts';
import { createTestApp, exchangeContextOf, registryContextOf, type TestApp } from './test-app.ts';

// Agencies push sectoral documents; officers read them in the console; the citizen sees both on
// their access log. The push API runs here with a test authenticator (the `x-test-agency` header
// names a registered agency and the scope is checked against its grant) — the real one, DPoP-bound
// tokens from the provider, is tested in exchange-api.db.test.ts. Officer reads and the access log
// go through the whole server.

let t: TestApp;
let push: FastifyInstance;
let registry: RegistryContext;
let transport: Agency;
let health: Agency;
let verifyOnly: Agency;
const officer: Officer = {
  officerId: 'enrich-officer',
  unit: { code: 'VN', level: 'country', name: 'Việt Nam' },
  role: 'officer',
};
const TRANSPORT_PURPOSE = {
  code: 'transport.licensing',
  description: 'Cấp giấy phép lái xe, đăng ký xe / licences and vehicle registration',
  legalBasis: 'Luật Trật tự, an toàn giao thông đường bộ 36/2024/QH15',
  fields: [],
};
const HEALTH_PURPOSE = {
  code: 'health.records',
  description: 'Bảo hiểm y tế và tiêm chủng / health insurance and vaccination',
  legalBasis: null,
  fields: [],
};

const testAuthenticator: AgencyAuthenticator = async (request, scope) => {
  const id = request.headers['x-test-agency'];
  const agency = typeof id === 'string' ? await findAgency({ db: t.database.db }, id) : undefined;
  if (!agency) throw new AppError('ERR_UNAUTHENTICATED', 'unknown test agency');
  if (!agency.scopes.includes(scope)) throw new AppError('ERR_EXCHANGE_SCOPE', `lacks ${scope}`);
  return { agency, scopes: agency.scopes };
};

const jwks = () => ({
  keys: [
    { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'k1' },
  ],
});

async function person(fullName: string, dateOfBirth: string, sex: 'male' | 'female' = 'male') {
  return registerBirth(registry, officer, {
    fullName,
    dateOfBirth,
    sex,
    placeOfBirth: 'Hà Nội',
    registrationCommuneCode: '00004',
    permanentAddress: { communeCode: '00004', detail: 'Số 5 Phố Huế' },
  });
}

const pushAs = (agency: Agency, purpose: string, documents: unknown[]) =>
  push.inject({
    method: 'POST',
    url: '/api/exchange/v1/documents',
    headers: { 'x-test-agency': agency.agencyId },
    payload: { purpose, documents },
  });

const licence = (idNumber: string, extra: Record<string, unknown> = {}) => ({
  kind: 'drivingLicence',
  idNumber,
  number: '790123456789',
  issuer: 'Sở Xây dựng TP. Hồ Chí Minh',
  issuedOn: '2020-05-04',
  data: { classes: [{ class: 'B2', validFrom: '2020-05-04', validUntil: '2030-05-04' }] },
  ...extra,
});

beforeAll(async () => {
  t = await createTestApp();
  registry = registryContextOf(t);
  const exchange = exchangeContextOf(t);
  transport = await registerAgency(exchange, {
    name: 'Cục Cảnh sát giao thông',
    scopes: ['exchange.enrich'],
    purposes: [TRANSPORT_PURPOSE],
    documentKinds: ['drivingLicence', 'vehicleRegistration'],
    jwks: jwks(),
  });
  health = await registerAgency(exchange, {
    name: 'Bảo hiểm xã hội Việt Nam',
    scopes: ['exchange.enrich'],
    purposes: [HEALTH_PURPOSE],
    documentKinds: ['healthInsuranceCard', 'socialInsuranceNumber', 'vaccination'],
    jwks: jwks(),
  });
  verifyOnly = await registerAgency(exchange, {
    name: 'Ngân hàng thử',
    scopes: ['exchange.verify'],
    purposes: [TRANSPORT_PURPOSE],
    documentKinds: ['drivingLicence'],
    jwks: jwks(),
  });
  push = Fastify();
  push.setValidatorCompiler(validatorCompiler);
  push.setSerializerCompiler(serializerCompiler);
  const logger = createLogger('silent');
  push.setErrorHandler((error, request, reply) => sendProblem(request, reply, toAppError(error), logger));
  await push.register(enrichmentRoutes, {
    prefix: '/api/exchange/v1',
    exchange,
    authenticateAgency: testAuthenticator,
    officerTokenKey: new Uint8Array(32),
  });
  await push.ready();
});
afterAll(async () => {
  await push?.close();
  await t?.close();
});

describe(`enrichment: agencies push sectoral documents (${testDatabaseKind()})`, () => {
  it('stores, recognises a re-push, keeps history and reports conflicts without overwriting', async () => {
    const holder = await person('Trần Văn Bảo', '1990-02-03');
    const other = await person('Lê Thị Cúc', '1992-07-08', 'female');

    const first = await pushAs(transport, TRANSPORT_PURPOSE.code, [
      licence(holder.idNumber, { holder: { fullName: 'TRAN VAN BAO', dateOfBirth: '03/02/1990' } }),
      {
        kind: 'vehicleRegistration',
        idNumber: holder.idNumber,
        number: '012345',
        issuedOn: '2023-09-01',
        data: {
          plate: '29A-123.45',
          make: 'VinFast',
          model: 'VF 5',
          chassisNumber: 'RLLV5AFE0P0123456',
          engineNumber: 'VF5E123456',
        },
      },
    ]);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      summary: { stored: 2, unchanged: 0, rejected: 0 },
      results: [
        { index: 0, status: 'stored', kind: 'drivingLicence', number: '790123456789', version: 1 },
        { index: 1, status: 'stored', kind: 'vehicleRegistration', number: '012345', version: 1 },
      ],
    });

    // The same content again is unchanged (idempotent), whatever the holder fields.
    const again = await pushAs(transport, TRANSPORT_PURPOSE.code, [licence(holder.idNumber)]);
    expect(again.json().results[0]).toMatchObject({ status: 'unchanged', version: 1 });

    // A renewal is a new version; the first stays as history.
    const renewed = licence(holder.idNumber, {
      issuedOn: '2025-05-04',
      data: {
        classes: [
          { class: 'B', validFrom: '2025-05-04', validUntil: '2035-05-04' },
          { class: 'A1', validFrom: '2025-05-04', validUntil: null },
        ],
      },
    });
    expect((await pushAs(transport, TRANSPORT_PURPOSE.code, [renewed])).json().results[0]).toMatchObject({
      status: 'stored',
      version: 2,
    });

    // Conflicts: an older state arriving late (by date, and the superseded content sent again),
    // the licence number on another person, holder name and date of birth that the registry
    // contradicts, an issue date before birth.
    const late = await pushAs(transport, TRANSPORT_PURPOSE.code, [
      licence(holder.idNumber, { issuedOn: '2022-01-01' }),
      licence(holder.idNumber),
      licence(other.idNumber),
      licence(holder.idNumber, { number: '790000000001', holder: { fullName: 'Trần Văn Bình' } }),
      licence(holder.idNumber, { number: '790000000002', holder: { dateOfBirth: '1990-03-02' } }),
      licence(holder.idNumber, { number: '790000000003', issuedOn: '1989-12-31' }),
    ]);
    const results = late.json().results;
    expect(late.json().summary).toEqual({ stored: 0, unchanged: 0, rejected: 6 });
    expect(results[0]).toMatchObject({
      reason: 'conflict',
      version: 2,
      conflicts: [{ type: 'older_version' }],
    });
    expect(results[1]).toMatchObject({ reason: 'conflict', conflicts: [{ type: 'older_version' }] });
    expect(results[2]).toMatchObject({ reason: 'conflict', conflicts: [{ type: 'number_on_other_person' }] });
    expect(results[3]).toMatchObject({
      reason: 'conflict',
      conflicts: [{ type: 'holder_mismatch', field: 'holder.fullName' }],
    });
    expect(results[4].conflicts).toEqual([
      { type: 'holder_mismatch', field: 'holder.dateOfBirth', detail: 'does not match the registry' },
    ]);
    expect(results[5].conflicts).toMatchObject([{ type: 'before_birth', field: 'issuedOn' }]);
    // The answer never carries the registry's values.
    expect(JSON.stringify(late.json())).not.toContain('1990-02-03');

    const documents = await listPersonDocuments(pushContext(), holder.idNumber, { history: true });
    const stored = documents.find((document) => document.kind === 'drivingLicence')!;
    expect(stored).toMatchObject({
      version: 2,
      issuedOn: '2025-05-04',
      status: 'valid',
      source: { agencyId: transport.agencyId, name: 'Cục Cảnh sát giao thông' },
    });
    expect(stored.history.map((version) => [version.version, version.issuedOn])).toEqual([[1, '2020-05-04']]);
    expect(documents.find((document) => document.kind === 'vehicleRegistration')?.data.plate).toBe(
      '29A12345',
    );
    expect(await listPersonDocuments(pushContext(), other.idNumber)).toEqual([]);
  });

  it('rejects per document: unknown person, deceased holder, invalid fields — and stores the rest', async () => {
    const alive = await person('Phạm Thị Dung', '1980-01-20', 'female');
    const late = await person('Đỗ Văn Em', '1950-06-06');
    await recordDeath(registry, officer, { idNumber: late.idNumber, dateOfDeath: '2026-01-02' });
    const card = (idNumber: string, number: string) => ({
      kind: 'healthInsuranceCard',
      idNumber,
      number,
      validFrom: '2026-01-01',
      validUntil: '2026-12-31',
      data: {},
    });
    const response = await pushAs(health, HEALTH_PURPOSE.code, [
      card(alive.idNumber, 'GD4010123456789'),
      card('001099999999', 'GD4010123456780'),
      card(late.idNumber, 'HT3010123456781'),
      card(alive.idNumber, 'GD9010123456789'),
      { kind: 'socialInsuranceNumber', idNumber: alive.idNumber, number: alive.idNumber },
      {
        kind: 'vaccination',
        idNumber: alive.idNumber,
        number: 'TC-1',
        data: { vaccine: 'Comirnaty', doseNumber: 1, administeredOn: '2021-08-01', place: 'Trạm Y tế' },
      },
      'not a document',
    ]);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(
      body.results.map((result: { status: string; reason?: string }) => result.reason ?? result.status),
    ).toEqual(['stored', 'not_found', 'deceased', 'invalid', 'stored', 'stored', 'invalid']);
    expect(body.results[3].errors).toEqual([
      { path: 'number', message: expect.stringContaining('benefit level') },
    ]);
    const documents = await listPersonDocuments(pushContext(), alive.idNumber);
    expect(documents.map((document) => document.kind).sort()).toEqual([
      'healthInsuranceCard',
      'socialInsuranceNumber',
      'vaccination',
    ]);
  });

  it('refuses the whole call: kind not granted, purpose not granted, scope, more than 1,000', async () => {
    const holder = await person('Vũ Văn Phúc', '1975-11-11');
    const kind = await pushAs(transport, TRANSPORT_PURPOSE.code, [
      licence(holder.idNumber),
      { kind: 'taxCode', idNumber: holder.idNumber, number: '0100233488' },
    ]);
    expect(kind.statusCode).toBe(403);
    expect(kind.json()).toMatchObject({ code: 'ERR_EXCHANGE_DOCUMENT_KIND' });
    expect(kind.json().detail).toContain('taxCode');
    // Nothing of the refused call was stored, not even its valid document.
    expect(await listPersonDocuments(pushContext(), holder.idNumber)).toEqual([]);

    expect((await pushAs(transport, 'health.records', [licence(holder.idNumber)])).json().code).toBe(
      'ERR_EXCHANGE_PURPOSE',
    );
    expect((await pushAs(verifyOnly, TRANSPORT_PURPOSE.code, [licence(holder.idNumber)])).json().code).toBe(
      'ERR_EXCHANGE_SCOPE',
    );
    const tooMany = await pushAs(
      transport,
      TRANSPORT_PURPOSE.code,
      Array.from({ length: 1_001 }, () => licence(holder.idNumber)),
    );
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().code).toBe('ERR_EXCHANGE_BATCH_TOO_LARGE');
    const empty = await pushAs(transport, TRANSPORT_PURPOSE.code, []);
    expect(empty.statusCode).toBe(400);
  });

  it('history cannot be rewritten in the database', async () => {
    await expect(
      sql`UPDATE exchange.document_version SET issuer = 'x'`.execute(t.database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM exchange.document_version`.execute(t.database.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('shows an officer the documents, records the read, and the citizen sees push and read', async () => {
    const holder = await person('Hoàng Thị Giang', '1988-04-14', 'female');
    await pushAs(transport, TRANSPORT_PURPOSE.code, [licence(holder.idNumber, { number: '790000000010' })]);
    await pushAs(transport, TRANSPORT_PURPOSE.code, [
      licence(holder.idNumber, { number: '790000000010', issuedOn: '2024-01-01' }),
    ]);
    const token = await t.token('01', 'console-1');
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/exchange/v1/officer/people/${holder.idNumber}/documents`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.statusCode).toBe(200);
    expect(read.json().items).toMatchObject([
      { kind: 'drivingLicence', number: '790000000010', version: 2, history: [{ version: 1 }] },
    ]);

    const unauthenticated = await t.app.inject({
      method: 'GET',
      url: `/api/exchange/v1/officer/people/${holder.idNumber}/documents`,
    });
    expect(unauthenticated.statusCode).toBe(401);
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/exchange/v1/officer/people/001099999999/documents',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.json().code).toBe('ERR_PERSON_NOT_FOUND');

    const citizen = await t.citizenSession(holder.idNumber);
    const log = await t.app.inject({
      method: 'GET',
      url: '/api/audit/v1/me/access-log',
      headers: { authorization: `Bearer ${citizen}` },
    });
    const entries = log.json().items as { action: string; actor: Record<string, unknown>; purpose: string }[];
    const read_ = entries.find((entry) => entry.action === 'exchange.document.read');
    expect(read_).toMatchObject({ actor: { kind: 'officer', id: 'console-1' } });
    const pushes = entries.filter((entry) => entry.action === 'exchange.document.pushed');
    expect(pushes).toHaveLength(2);
    expect(pushes[0]).toMatchObject({
      actor: { kind: 'agency', id: transport.agencyId, unit: 'Cục Cảnh sát giao thông' },
      purpose: expect.stringContaining(TRANSPORT_PURPOSE.code),
      legalBasis: TRANSPORT_PURPOSE.legalBasis,
      details: { stored: ['drivingLicence'], unchanged: [], rejected: [] },
    });
    // The log names kinds and outcomes, never the document's number.
    expect(JSON.stringify(entries)).not.toContain('790000000010');
  });
});

function pushContext(): ExchangeContext {
  return {
    db: t.database.db,
    clock: t.clock,
    logger: createLogger('silent'),
    registry,
    subjectSecret: t.subjectSecret,
  };
}
