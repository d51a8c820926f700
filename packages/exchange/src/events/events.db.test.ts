import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { accessLog, subjectKey } from '@dinhdanh/audit';
import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { createLogger, fixedClock, StaticKeyStore } from '@dinhdanh/kernel';
import {
  AdminUnits,
  correctPerson,
  defaultRules,
  type Officer,
  type RegistryContext,
  recordCardIssued,
  recordDeath,
  registerBirth,
  revokeCard,
} from '@dinhdanh/registry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Agency, AgencyRegistration, Purpose } from '../agency/agency.schema.ts';
import { disableAgency, registerAgency } from '../agency/agency.service.ts';
import type { ExchangeContext } from '../context.ts';
import { SUBSCRIPTION_BASIS } from './event-data.ts';
import { EVENT_DISCLOSED_ACTION, followRegistryChanges } from './event-follower.ts';
import { startEventWorkers } from './event-workers.ts';
import {
  createSubscription,
  deleteSubscription,
  listDeadLetters,
  listSubscriptions,
  redeliverDeadLetter,
} from './events.service.ts';
import { sweepOutbox } from './outbox-sweep.repository.ts';
import {
  checkWebhookSignature,
  startWebhookReceiver,
  type WebhookReceiver,
} from './testing/webhook-receiver.ts';
import { type DispatchPolicy, WebhookDispatcher } from './webhook-dispatcher.ts';
import { WEBHOOK_KEY_NAME, webhookJwks, webhookSigner } from './webhook-signature.ts';

const T0 = new Date('2026-11-23T03:00:00.000Z');
const clock = fixedClock(T0);
const officer: Officer = {
  officerId: 'test-officer',
  unit: { code: 'VN', level: 'country', name: 'Việt Nam' },
  role: 'officer',
};
const keys = new StaticKeyStore({}, { [WEBHOOK_KEY_NAME]: [randomBytes(32)] });
const jwks = {
  keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })],
};
let database: Database;
let registry: RegistryContext;
let ctx: ExchangeContext;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  database = await testDatabase();
  const subjectSecret = randomBytes(32);
  registry = {
    db: database.db,
    units: await AdminUnits.load(database.db),
    clock,
    rules: defaultRules,
    audit: { subjectSecret, auditReads: true },
  };
  ctx = { db: database.db, clock, logger: createLogger('silent'), registry, subjectSecret };
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  clock.set(T0);
});
afterAll(async () => {
  await database?.close();
});

const INSURANCE: Purpose = {
  code: 'insurance.records',
  description: 'Quản lý sổ bảo hiểm xã hội',
  legalBasis: 'Luật Bảo hiểm xã hội 41/2024/QH15',
  fields: ['fullName', 'dateOfBirth', 'alive', 'dateOfDeath'],
};
const MARKETING: Purpose = {
  code: 'insurance.outreach',
  description: 'Liên hệ người tham gia',
  legalBasis: null,
  fields: ['fullName', 'dateOfBirth', 'sex', 'phone', 'permanentAddress', 'alive', 'dateOfDeath'],
};

async function agency(registration: Partial<AgencyRegistration> = {}): Promise<Agency> {
  return registerAgency(ctx, {
    name: 'Bảo hiểm xã hội Việt Nam',
    scopes: ['exchange.events'],
    purposes: [INSURANCE, MARKETING],
    eventTypes: ['person.born', 'person.died'],
    ...registration,
    jwks,
  } as AgencyRegistration & { jwks: unknown });
}

async function subscribe(of: Agency, receiver: WebhookReceiver, eventTypes: string[] = of.eventTypes) {
  const subscription = await createSubscription(ctx, of, { url: receiver.url, eventTypes }, 'test');
  cleanups.push(() =>
    deleteSubscription(ctx, of.agencyId, subscription.subscriptionId).catch(() => undefined),
  );
  return subscription;
}

async function receiver(): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver();
  cleanups.push(() => started.close());
  return started;
}

let births = 0;
function born(fullName: string) {
  births++;
  return registerBirth(registry, officer, {
    fullName,
    dateOfBirth: `1990-01-${String(1 + (births % 28)).padStart(2, '0')}`,
    sex: births % 2 ? 'male' : 'female',
    placeOfBirth: 'Bệnh viện Bạch Mai, Hà Nội',
    registrationCommuneCode: '00004',
    permanentAddress: { communeCode: '00004', detail: `Số ${births} Phố Điện Biên Phủ` },
    father: { fullName: 'Nguyễn Văn An' },
    mother: { fullName: 'Trần Thị Bình' },
  });
}
const died = (idNumber: string) => recordDeath(registry, officer, { idNumber, dateOfDeath: '2026-11-20' });

function dispatcher(policy: Partial<DispatchPolicy> = {}) {
  const created = new WebhookDispatcher(ctx, {
    signer: () => webhookSigner(keys),
    policy: { attemptTimeoutMs: 2_000, ...policy },
    random: () => 1,
  });
  cleanups.push(() => created.stop());
  return created;
}

/** Follows the feed, then sends until nothing more is due at the clock's time. */
async function drain(sender: WebhookDispatcher) {
  await followRegistryChanges(ctx);
  for (let i = 0; i < 100; i++) {
    const started = await sender.tick();
    await sender.idle();
    if (started === 0) return;
  }
  throw new Error('the outbox did not settle');
}

const payloads = (target: WebhookReceiver) =>
  target.accepted.map(
    (request) =>
      JSON.parse(request.body) as {
        id: string;
        type: string;
        idNumber: string;
        data: Record<string, unknown>;
      },
  );

describe(`change events to agencies (${testDatabaseKind()})`, () => {
  it('sends signed webhooks with only the granted types and the purpose-allowed fields, audited on the person', async () => {
    const insurer = await agency();
    const registrar = await agency({
      name: 'Sở Tư pháp',
      purposes: [{ ...MARKETING, code: 'justice.outreach' }],
      eventTypes: ['person.died'],
    });
    const toInsurer = await receiver();
    const toRegistrar = await receiver();
    await subscribe(insurer, toInsurer);
    await subscribe(registrar, toRegistrar);
    await expect(
      createSubscription(ctx, insurer, { url: toInsurer.url, eventTypes: ['person.name_changed'] }, 'test'),
    ).rejects.toMatchObject({ code: 'ERR_EXCHANGE_EVENT_TYPE' });

    const person = await born('Lê Văn Cường');
    await died(person.idNumber);
    const other = await born('Phạm Thị Dung');
    await correctPerson(registry, officer, other.idNumber, {
      field: 'fullName',
      value: 'Phạm Thị Dung Hạnh',
    });
    await drain(dispatcher());

    const jwksNow = await webhookJwks(keys);
    for (const request of [...toInsurer.accepted, ...toRegistrar.accepted]) {
      expect(checkWebhookSignature(request, jwksNow, { now: clock.now() })).toBeUndefined();
      expect(request.headers['idempotency-key']).toBe(JSON.parse(request.body).id);
      expect(request.headers['content-type']).toBe('application/json');
    }
    // The insurer: births and deaths (not the name change it was not granted), in order, only its
    // legal-basis purpose's fields — never the consent purpose's phone or address, nor sex.
    const ofPerson = (idNumber: string) => payloads(toInsurer).filter((event) => event.idNumber === idNumber);
    expect(payloads(toInsurer)).toHaveLength(3);
    expect(ofPerson(person.idNumber).map((event) => event.type)).toEqual(['person.born', 'person.died']);
    expect(ofPerson(other.idNumber).map((event) => event.type)).toEqual(['person.born']);
    expect(ofPerson(person.idNumber)[0]).toEqual({
      id: expect.any(String),
      type: 'person.born',
      occurredAt: expect.any(String),
      idNumber: person.idNumber,
      data: { fullName: 'Lê Văn Cường', dateOfBirth: person.dateOfBirth, alive: true },
    });
    expect(ofPerson(person.idNumber)[1]?.data).toEqual({ alive: false, dateOfDeath: '2026-11-20' });
    // No purpose with a legal basis: the bare event, no values.
    expect(payloads(toRegistrar)).toEqual([
      {
        id: ofPerson(person.idNumber)[1]?.id,
        type: 'person.died',
        occurredAt: expect.any(String),
        idNumber: person.idNumber,
        data: {},
      },
    ]);

    const log = await accessLog(database.db, subjectKey(ctx.subjectSecret, person.idNumber));
    const disclosures = log.filter((entry) => entry.action === EVENT_DISCLOSED_ACTION);
    expect(disclosures).toHaveLength(3);
    const toInsurerLog = disclosures.filter((entry) => entry.actor.id === insurer.agencyId);
    expect(toInsurerLog.map((entry) => entry.details.eventType).sort()).toEqual([
      'person.born',
      'person.died',
    ]);
    expect(toInsurerLog[0]).toMatchObject({
      actor: { kind: 'agency', id: insurer.agencyId },
      legalBasis: INSURANCE.legalBasis,
      purpose: expect.stringContaining('insurance.records'),
      details: { agencyName: 'Bảo hiểm xã hội Việt Nam' },
    });
    expect(disclosures.find((entry) => entry.actor.id === registrar.agencyId)).toMatchObject({
      legalBasis: SUBSCRIPTION_BASIS,
      details: { eventType: 'person.died', fields: [] },
    });
    // Delivered bodies are not kept.
    const kept = await database.db
      .selectFrom('exchange.delivery')
      .select('body')
      .where('status', '=', 'delivered')
      .where('body', 'is not', null)
      .execute();
    expect(kept).toEqual([]);
  });

  it('refuses receiver URLs that are not https (http only to loopback outside production)', async () => {
    const insurer = await agency();
    const attempt = (url: string, mode: 'test' | 'production' = 'test') =>
      createSubscription(ctx, insurer, { url, eventTypes: ['person.born'] }, mode);
    for (const url of [
      'ftp://agency.gov.vn/hook',
      'http://agency.gov.vn/hook',
      'https://user:secret@agency.gov.vn/hook',
      'not a url',
    ])
      await expect(attempt(url)).rejects.toMatchObject({ code: 'ERR_EXCHANGE_SUBSCRIPTION_INVALID' });
    await expect(attempt('http://127.0.0.1:9/hook', 'production')).rejects.toMatchObject({
      code: 'ERR_EXCHANGE_SUBSCRIPTION_INVALID',
    });
    await expect(attempt('https://10.1.2.3/hook', 'production')).rejects.toMatchObject({
      code: 'ERR_EXCHANGE_SUBSCRIPTION_INVALID',
    });
    await expect(
      createSubscription(ctx, insurer, { url: 'https://agency.gov.vn/hook', eventTypes: [] }, 'test'),
    ).rejects.toMatchObject({ code: 'ERR_EXCHANGE_SUBSCRIPTION_INVALID' });
    const ok = await attempt('https://bhxh.gov.vn');
    cleanups.push(() => deleteSubscription(ctx, insurer.agencyId, ok.subscriptionId));
    expect(ok.url).toBe('https://bhxh.gov.vn/');
  });

  it('loses nothing while a receiver is down for hours, then delivers each person in order', async () => {
    const insurer = await agency();
    const target = await receiver();
    const subscription = await subscribe(insurer, target);
    const sender = dispatcher();
    await target.down();
    const first = await born('Đỗ Minh Khoa');
    const second = await born('Vũ Thị Lan');
    await died(first.idNumber);
    await died(second.idNumber);
    await followRegistryChanges(ctx);

    // Five hours of a refused connection, the clock moving ten minutes at a time.
    for (let minute = 0; minute <= 300; minute += 10) {
      clock.set(new Date(T0.getTime() + minute * 60_000));
      await sender.tick();
      await sender.idle();
    }
    const [waiting] = await listSubscriptions(ctx, insurer.agencyId);
    expect(waiting).toMatchObject({ subscriptionId: subscription.subscriptionId, pending: 4 });
    expect(waiting?.failures).toBeGreaterThan(10);
    expect(target.requests).toEqual([]);
    // Receiver-level back-off (capped at 10 minutes) keeps the probes few: not one per minute per event.
    const attempts = await database.db
      .selectFrom('exchange.delivery')
      .select((eb) => eb.fn.sum<string>('attempts').as('total'))
      .where('subscription_id', '=', subscription.subscriptionId)
      .executeTakeFirstOrThrow();
    expect(Number(attempts.total)).toBeLessThan(120);
    expect(await listDeadLetters(ctx, { agencyId: insurer.agencyId })).toEqual([]);

    await target.up();
    clock.set(new Date(T0.getTime() + 311 * 60_000));
    await drain(sender);
    const received = payloads(target);
    expect(received).toHaveLength(4);
    expect(new Set(received.map((event) => event.id)).size).toBe(4);
    for (const person of [first, second])
      expect(
        received.filter((event) => event.idNumber === person.idNumber).map((event) => event.type),
      ).toEqual(['person.born', 'person.died']);
    expect((await listSubscriptions(ctx, insurer.agencyId))[0]).toMatchObject({
      pending: 0,
      failures: 0,
      retryAt: null,
    });
  });

  it('times out a slow receiver and retries it, while another subscription is served at once', async () => {
    const insurer = await agency();
    const slow = await receiver();
    const fast = await receiver();
    let calls = 0;
    slow.behave(() => ({ status: 204, delayMs: calls++ === 0 ? 10_000 : 0 }));
    await subscribe(insurer, slow);
    await subscribe(insurer, fast);
    const sender = dispatcher({ attemptTimeoutMs: 1_500 });
    const person = await born('Hoàng Văn Minh');
    await followRegistryChanges(ctx);

    const started = Date.now();
    await sender.tick();
    while ((fast.accepted.length === 0 || slow.requests.length === 0) && Date.now() - started < 5_000)
      await new Promise((r) => setTimeout(r, 5));
    // The fast receiver got its event while the slow one's attempt was still waiting.
    expect(fast.accepted).toHaveLength(1);
    expect(slow.requests).toHaveLength(1);
    expect(slow.accepted).toHaveLength(0);
    expect(sender.active).toBeGreaterThanOrEqual(1);
    await sender.idle();
    // …and that attempt ended at the timeout, not when the receiver would have answered.
    expect(Date.now() - started).toBeLessThan(8_000);
    const [slowSub] = (await listSubscriptions(ctx, insurer.agencyId)).filter((sub) => sub.url === slow.url);
    expect(slowSub).toMatchObject({ pending: 1, failures: 1 });
    const lastError = await database.db
      .selectFrom('exchange.delivery')
      .select('last_error')
      .where('subscription_id', '=', slowSub!.subscriptionId)
      .executeTakeFirstOrThrow();
    expect(lastError.last_error).toBe('timeout after 1500 ms');

    clock.set(new Date(T0.getTime() + 60_000));
    await drain(sender);
    expect(slow.accepted).toHaveLength(1);
    expect(payloads(slow)[0]).toMatchObject({ idNumber: person.idNumber, id: payloads(fast)[0]?.id });
    expect(sender.active).toBe(0);
  });

  it('dead-letters a refused event without blocking the next, and after too long a failure; an administrator redelivers', async () => {
    const insurer = await agency();
    const target = await receiver();
    target.behave((request) => ({ status: JSON.parse(request.body).type === 'person.born' ? 422 : 204 }));
    const subscription = await subscribe(insurer, target);
    const sender = dispatcher({ deadAfterMs: 3_600_000 });
    const person = await born('Trịnh Văn Nam');
    await died(person.idNumber);
    await drain(sender);
    // The refused birth did not hold back the death.
    expect(payloads(target).map((event) => event.type)).toEqual(['person.died']);
    const dead = await listDeadLetters(ctx, { agencyId: insurer.agencyId });
    expect(dead).toEqual([
      {
        deliveryId: expect.any(String),
        agencyId: insurer.agencyId,
        subscriptionId: subscription.subscriptionId,
        eventId: expect.any(String),
        eventType: 'person.born',
        attempts: 1,
        lastError: 'HTTP 422',
        deadAt: T0.toISOString(),
      },
    ]);
    expect(JSON.stringify(dead)).not.toContain(person.idNumber);

    target.behave(() => ({ status: 204 }));
    await redeliverDeadLetter(ctx, dead[0]!.deliveryId);
    await drain(sender);
    expect(payloads(target).map((event) => event.type)).toEqual(['person.died', 'person.born']);
    expect(payloads(target)[1]?.id).toBe(dead[0]?.eventId);
    expect(await listDeadLetters(ctx, { agencyId: insurer.agencyId })).toEqual([]);
    await expect(redeliverDeadLetter(ctx, dead[0]!.deliveryId)).rejects.toMatchObject({
      code: 'ERR_CONFLICT',
    });
    await expect(redeliverDeadLetter(ctx, 'not-a-delivery')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });

    // A receiver failing (503) for longer than the dead-letter age.
    target.behave(() => ({ status: 503 }));
    const later = await born('Mai Thị Oanh');
    await followRegistryChanges(ctx);
    for (let minute = 0; minute <= 70; minute += 5) {
      clock.set(new Date(T0.getTime() + minute * 60_000));
      await sender.tick();
      await sender.idle();
    }
    const [expired] = await listDeadLetters(ctx, { agencyId: insurer.agencyId });
    expect(expired).toMatchObject({ eventType: 'person.born', lastError: 'HTTP 503' });
    expect(expired?.attempts).toBeGreaterThan(1);
    expect(
      target.requests.filter((request) => JSON.parse(request.body).idNumber === later.idNumber).length,
    ).toBe(expired?.attempts);
  });

  it('never sends one delivery from two processes at once, and keeps per-person order across them', async () => {
    const insurer = await agency();
    const target = await receiver();
    target.behave(() => ({ status: 204, delayMs: 20 }));
    await subscribe(insurer, target);
    const people = [await born('Ngô Văn Phúc'), await born('Đặng Thị Quyên'), await born('Bùi Văn Sơn')];
    for (const person of people) await died(person.idNumber);
    await followRegistryChanges(ctx);
    const a = dispatcher();
    const b = dispatcher();
    for (let i = 0; i < 20 && target.accepted.length < 6; i++) {
      await Promise.all([a.tick(), b.tick()]);
      await Promise.all([a.idle(), b.idle()]);
    }
    const received = payloads(target);
    expect(received).toHaveLength(6);
    expect(new Set(received.map((event) => event.id)).size).toBe(6);
    for (const person of people)
      expect(
        received.filter((event) => event.idNumber === person.idNumber).map((event) => event.type),
      ).toEqual(['person.born', 'person.died']);
  });

  it('keeps no delivered body, sweeps what is done, and drops what a disabled agency was owed', async () => {
    const insurer = await agency();
    const gone = await agency({ name: 'Cơ quan đã ngừng' });
    const target = await receiver();
    const closed = await receiver();
    await closed.down();
    await subscribe(insurer, target);
    await subscribe(gone, closed);
    const person = await born('Quách Văn Tài');
    await drain(dispatcher());
    expect(payloads(target).map((event) => event.idNumber)).toEqual([person.idNumber]);
    const rows = () =>
      database.db
        .selectFrom('exchange.delivery')
        .select(['agency_id', 'status', 'body'])
        .where('agency_id', 'in', [insurer.agencyId, gone.agencyId])
        .execute();
    expect((await rows()).find((row) => row.agency_id === insurer.agencyId)).toEqual({
      agency_id: insurer.agencyId,
      status: 'delivered',
      body: null,
    });
    expect((await rows()).find((row) => row.agency_id === gone.agencyId)?.status).toBe('pending');

    await disableAgency(ctx, gone.agencyId);
    const later = new Date(Date.now() + 60_000);
    await sweepOutbox(database.db, { before: later, deadBefore: T0, keepUnpublished: false });
    expect(await rows()).toEqual([]);
    const events = await database.db
      .selectFrom('exchange.event')
      .select('seq')
      .where('id_number', '=', person.idNumber)
      .execute();
    expect(events).toEqual([]);
  });

  it('runs as workers: a card revocation reaches the subscriber without anyone calling in', async () => {
    const transport = await agency({
      name: 'Cục Cảnh sát giao thông',
      purposes: [
        {
          code: 'licence.records',
          description: 'Quản lý giấy phép lái xe',
          legalBasis: 'Luật Trật tự, an toàn giao thông đường bộ 2024',
          fields: ['card'],
        },
      ],
      eventTypes: ['card.revoked'],
    });
    const target = await receiver();
    await subscribe(transport, target);
    const person = await born('Lý Thị Thu');
    await recordCardIssued(registry, officer, {
      idNumber: person.idNumber,
      issueDate: '2026-11-01',
      issuingAuthority: 'Cục Cảnh sát QLHC về TTXH',
      expiryDate: '2030-01-01',
    });
    const workers = startEventWorkers(ctx, { keys, pollMs: 50 });
    cleanups.push(() => workers.stop());
    await revokeCard(registry, officer, { idNumber: person.idNumber, reason: 'lost' });
    for (let i = 0; i < 100 && target.accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(payloads(target)).toEqual([
      {
        id: expect.any(String),
        type: 'card.revoked',
        occurredAt: expect.any(String),
        idNumber: person.idNumber,
        data: { card: null },
      },
    ]);
    await workers.stop();
  });
});
