import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDatabaseKind } from '@dinhdanh/db/testing';
import {
  type Agency,
  type AgencyAuthenticator,
  eventRoutes,
  findAgency,
  nationalSupervisorGuard,
  registerAgency,
} from '@dinhdanh/exchange';
import {
  checkWebhookSignature,
  startWebhookReceiver,
  type WebhookReceiver,
} from '@dinhdanh/exchange/testing';
import { AppError, createLogger, StaticKeyStore } from '@dinhdanh/kernel';
import { type Officer, type RegistryContext, registerBirth } from '@dinhdanh/registry';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendProblem, toAppError } from '../src/errors.ts';
import { createTestApp, exchangeContextOf, registryContextOf, type TestApp } from './test-app.ts';

// Change events through the whole server: its exchange workers follow the registry, sign with the
// key store's webhook key and post to a receiver on 127.0.0.1; the administrator's dead letters go
// through the mounted routes with a supervisor token. The agency routes run on a second Fastify
// with a test authenticator (the `x-test-agency` header names a registered agency, its scopes are
// checked) — the real one, DPoP-bound tokens from the provider, is tested in exchange-api.db.test.ts.

const EXCHANGE = '/api/exchange/v1';
let t: TestApp;
let agencyApi: FastifyInstance;
let registry: RegistryContext;
let insurer: Agency;
let auditor: Agency;
let target: WebhookReceiver;
const keysDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-events-keys-'));
const officer: Officer = {
  officerId: 'events-officer',
  unit: { code: 'VN', level: 'country', name: 'Việt Nam' },
  role: 'officer',
};

const testAuthenticator: AgencyAuthenticator = async (request, scope) => {
  const id = request.headers['x-test-agency'];
  const agency = typeof id === 'string' ? await findAgency({ db: t.database.db }, id) : undefined;
  if (!agency) throw new AppError('ERR_UNAUTHENTICATED', 'unknown test agency');
  if (!agency.scopes.includes(scope)) throw new AppError('ERR_EXCHANGE_SCOPE', `lacks ${scope}`);
  return { agency, scopes: agency.scopes };
};

const jwks = () => ({
  keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })],
});

const asAgency = (
  agency: Agency | undefined,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  payload?: unknown,
) =>
  agencyApi.inject({
    method,
    url: `${EXCHANGE}${url}`,
    headers: agency ? { 'x-test-agency': agency.agencyId } : {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() - started > ms) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  t = await createTestApp({ env: { DINHDANH_KEYS_DIR: keysDir } });
  registry = registryContextOf(t);
  const exchange = exchangeContextOf(t);
  insurer = await registerAgency(exchange, {
    name: 'Bảo hiểm xã hội Việt Nam',
    scopes: ['exchange.events'],
    purposes: [
      {
        code: 'insurance.records',
        description: 'Quản lý sổ bảo hiểm xã hội',
        legalBasis: 'Luật Bảo hiểm xã hội 41/2024/QH15',
        fields: ['fullName', 'alive'],
      },
    ],
    eventTypes: ['person.born', 'person.died'],
    jwks: jwks(),
  });
  auditor = await registerAgency(exchange, {
    name: 'Kiểm toán',
    scopes: ['exchange.verify'],
    purposes: [{ code: 'audit.check', description: 'Kiểm tra', legalBasis: 'Luật Kiểm toán', fields: [] }],
    jwks: jwks(),
  });
  agencyApi = Fastify();
  agencyApi.setValidatorCompiler(validatorCompiler);
  agencyApi.setSerializerCompiler(serializerCompiler);
  agencyApi.setErrorHandler((error, request, reply) =>
    sendProblem(request, reply, toAppError(error), createLogger('silent')),
  );
  await agencyApi.register(eventRoutes, {
    prefix: EXCHANGE,
    ctx: exchange,
    authenticateAgency: testAuthenticator,
    adminGuard: nationalSupervisorGuard({
      officerTokenKey: Buffer.alloc(32),
      units: t.units,
      clock: t.clock,
    }),
    keys: new StaticKeyStore({}),
    config: { mode: 'test' },
  });
  target = await startWebhookReceiver();
});
afterAll(async () => {
  await target?.close();
  await agencyApi?.close();
  await t?.close();
  rmSync(keysDir, { recursive: true, force: true });
});

describe(`change events through the server (${testDatabaseKind()})`, () => {
  it('manages subscriptions within the agency’s grant', async () => {
    expect((await asAgency(undefined, 'GET', '/subscriptions')).json().code).toBe('ERR_UNAUTHENTICATED');
    expect((await asAgency(auditor, 'GET', '/subscriptions')).json().code).toBe('ERR_EXCHANGE_SCOPE');
    const refusedType = await asAgency(insurer, 'POST', '/subscriptions', {
      url: target.url,
      eventTypes: ['person.born', 'card.revoked'],
    });
    expect(refusedType.statusCode).toBe(403);
    expect(refusedType.json().code).toBe('ERR_EXCHANGE_EVENT_TYPE');
    const refusedUrl = await asAgency(insurer, 'POST', '/subscriptions', {
      url: 'http://bhxh.gov.vn/hook',
      eventTypes: ['person.born'],
    });
    expect(refusedUrl.statusCode).toBe(400);
    expect(refusedUrl.json().code).toBe('ERR_EXCHANGE_SUBSCRIPTION_INVALID');
    const unknownType = await asAgency(insurer, 'POST', '/subscriptions', {
      url: target.url,
      eventTypes: ['x'],
    });
    expect(unknownType.json().code).toBe('ERR_VALIDATION');

    const created = await asAgency(insurer, 'POST', '/subscriptions', {
      url: target.url,
      eventTypes: ['person.born'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      subscriptionId: expect.stringMatching(/^sub-/),
      url: target.url,
      eventTypes: ['person.born'],
      createdAt: t.clock.now().toISOString(),
      pending: 0,
      failures: 0,
      retryAt: null,
    });
    const listed = await asAgency(insurer, 'GET', '/subscriptions');
    expect(listed.json().items.map((item: { subscriptionId: string }) => item.subscriptionId)).toEqual([
      created.json().subscriptionId,
    ]);
    // Another agency neither sees nor deletes it.
    const other = await registerAgency(
      { db: t.database.db, clock: t.clock },
      { ...insurer, name: 'Thuế', purposes: insurer.purposes, jwks: jwks() },
    );
    expect((await asAgency(other, 'GET', '/subscriptions')).json().items).toEqual([]);
    expect(
      (await asAgency(other, 'DELETE', `/subscriptions/${created.json().subscriptionId}`)).statusCode,
    ).toBe(404);
    expect(
      (await asAgency(insurer, 'DELETE', `/subscriptions/${created.json().subscriptionId}`)).statusCode,
    ).toBe(204);
    expect((await asAgency(insurer, 'GET', '/subscriptions')).json().items).toEqual([]);
  });

  it('delivers signed events that verify with the published keys; dead letters are listed and redelivered by a supervisor', async () => {
    const subscribed = await asAgency(insurer, 'POST', '/subscriptions', {
      url: target.url,
      eventTypes: ['person.born'],
    });
    expect(subscribed.statusCode).toBe(201);
    const keys = await t.app.inject({ method: 'GET', url: `${EXCHANGE}/webhook-keys` });
    expect(keys.statusCode).toBe(200);
    expect(keys.json().keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig' });

    // The first birth is refused for good by the receiver (422): a dead letter.
    let refuse = true;
    target.behave(() => ({ status: refuse ? 422 : 204 }));
    const child = await registerBirth(registry, officer, {
      fullName: 'Nguyễn Thị Ánh',
      dateOfBirth: '2026-11-20',
      sex: 'female',
      placeOfBirth: 'Bệnh viện Phụ sản Hà Nội',
      registrationCommuneCode: '00004',
      permanentAddress: { communeCode: '00004', detail: 'Số 9 Phố Huế' },
    });
    const supervisor = await t.token('VN', undefined, 'supervisor');
    const deadLetters = (token?: string) =>
      t.app.inject({
        method: 'GET',
        url: `${EXCHANGE}/admin/dead-letters?agencyId=${insurer.agencyId}`,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    const listed = await until(
      () => deadLetters(supervisor),
      (response) => response.json().items?.length === 1,
    );
    expect(listed.json().items).toEqual([
      {
        deliveryId: expect.any(String),
        agencyId: insurer.agencyId,
        subscriptionId: subscribed.json().subscriptionId,
        eventId: expect.any(String),
        eventType: 'person.born',
        attempts: 1,
        lastError: 'HTTP 422',
        deadAt: expect.any(String),
      },
    ]);
    expect(listed.body).not.toContain(child.idNumber);
    // Operators see it in the metrics too.
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^dinhdanh_exchange_dead_letters 1$/m);
    expect(metrics).toMatch(/^dinhdanh_exchange_matching_jobs_active 0$/m);
    expect((await deadLetters()).statusCode).toBe(401);
    expect((await deadLetters(await t.token('VN', undefined, 'officer'))).statusCode).toBe(403);

    refuse = false;
    const { deliveryId, eventId } = listed.json().items[0];
    const redeliver = (id: string) =>
      t.app.inject({
        method: 'POST',
        url: `${EXCHANGE}/admin/dead-letters/${id}/redeliver`,
        headers: { authorization: `Bearer ${supervisor}` },
      });
    const queued = await redeliver(deliveryId);
    expect(queued.statusCode).toBe(202);
    expect(queued.json()).toEqual({ deliveryId, status: 'pending' });
    await until(
      () => target.accepted.length,
      (count) => count === 1,
    );
    const [request] = target.accepted;
    expect(JSON.parse(request!.body)).toEqual({
      id: eventId,
      type: 'person.born',
      occurredAt: expect.any(String),
      idNumber: child.idNumber,
      data: { fullName: 'Nguyễn Thị Ánh', alive: true },
    });
    expect(checkWebhookSignature(request!, keys.json(), { now: t.clock.now() })).toBeUndefined();
    expect((await redeliver(deliveryId)).json().code).toBe('ERR_CONFLICT');
    expect((await redeliver('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await deadLetters(supervisor)).json().items).toEqual([]);
  });
});
