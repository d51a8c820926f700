import { randomBytes } from 'node:crypto';
import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { createLogger, fixedClock, StaticKeyStore } from '@dinhdanh/kernel';
import { AdminUnits, defaultRules, type Officer, recordDeath, registerBirth } from '@dinhdanh/registry';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeContext } from '../context.ts';
import { type NatsServer, natsServerAvailable, startNatsServer } from '../testing/nats-server.ts';
import { readCursor, setCursor } from './cursor.repository.ts';
import { followRegistryChanges } from './event-follower.ts';
import { startEventWorkers } from './event-workers.ts';
import { NATS_STREAM, type NatsChangeEvent, NatsPublisher } from './nats-publisher.ts';
import { WEBHOOK_KEY_NAME } from './webhook-signature.ts';

const officer: Officer = {
  officerId: 'test-officer',
  unit: { code: 'VN', level: 'country', name: 'Việt Nam' },
  role: 'officer',
};
const clock = fixedClock('2026-11-23T03:00:00.000Z');
let database: Database;
let ctx: ExchangeContext;
let server: NatsServer;

// Needs Debian's nats-server (.ci/run installs it): missing infrastructure fails, it is not skipped.
it('needs /usr/sbin/nats-server (install the Debian package nats-server)', () => {
  expect(natsServerAvailable()).toBe(true);
});

describe.runIf(natsServerAvailable())(`change events on NATS JetStream (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    server = await startNatsServer();
    database = await testDatabase();
    const subjectSecret = randomBytes(32);
    const registry = {
      db: database.db,
      units: await AdminUnits.load(database.db),
      clock,
      rules: defaultRules,
      audit: { subjectSecret, auditReads: true },
    };
    ctx = { db: database.db, clock, logger: createLogger('silent'), registry, subjectSecret };
  });
  afterAll(async () => {
    await database?.close();
    await server?.stop();
  });

  let births = 0;
  const born = (fullName: string) =>
    registerBirth(ctx.registry, officer, {
      fullName,
      dateOfBirth: `2001-02-${String(++births).padStart(2, '0')}`,
      sex: 'female',
      placeOfBirth: 'Bệnh viện Từ Dũ, TP. Hồ Chí Minh',
      registrationCommuneCode: '00004',
      permanentAddress: { communeCode: '00004', detail: 'Số 2' },
    });

  /** Every message in the stream, oldest first, read by an ordered consumer. */
  type Streamed = { subject: string; msgId: string | undefined; event: NatsChangeEvent };
  async function streamed(): Promise<Streamed[]> {
    // A fresh connection each time: one kept across the outage below might still be reconnecting.
    const reader: NatsConnection = await connect({ servers: server.url });
    try {
      const info = await (await jetstreamManager(reader)).streams.info(NATS_STREAM);
      if (info.state.messages === 0) return [];
      const consumer = await jetstream(reader).consumers.get(NATS_STREAM);
      const batch = await consumer.fetch({ max_messages: info.state.messages, expires: 2_000 });
      const out: Streamed[] = [];
      for await (const message of batch) {
        const msgId = message.headers?.get('Nats-Msg-Id');
        out.push({ subject: message.subject, msgId, event: message.json() });
        if (out.length === info.state.messages) break;
      }
      return out;
    } finally {
      await reader.close();
    }
  }

  it('publishes each event once, in feed order, and catches up after NATS was down', async () => {
    const publisher = new NatsPublisher(ctx, { url: server.url, ackTimeoutMs: 500 });
    try {
      const first = await born('Nguyễn Thị Yến');
      const second = await born('Trần Thị Xuân');
      await recordDeath(ctx.registry, officer, { idNumber: first.idNumber, dateOfDeath: '2026-11-22' });
      await followRegistryChanges(ctx);
      expect(await publisher.publishPending()).toBe(3);

      const events = await database.db
        .selectFrom('exchange.event')
        .select(['event_id', 'seq'])
        .orderBy('seq')
        .execute();
      let messages = await streamed();
      expect(messages.map((m) => [m.subject, m.event.idNumber])).toEqual([
        ['dinhdanh.events.person.born', first.idNumber],
        ['dinhdanh.events.person.born', second.idNumber],
        ['dinhdanh.events.person.died', first.idNumber],
      ]);
      expect(messages.map((m) => m.msgId)).toEqual(events.map((row) => String(row.event_id)));
      expect(messages.map((m) => m.event.id)).toEqual(events.map((row) => String(row.event_id)));
      // Field names only: no values (those go to agencies, within their policy).
      expect(messages[2]?.event).toEqual({
        id: expect.any(String),
        type: 'person.died',
        occurredAt: expect.any(String),
        idNumber: first.idNumber,
        fields: ['dateOfDeath'],
      });

      // NATS down: the publish fails, the cursor stays, nothing is skipped.
      await server.down();
      const before = await readCursor(database.db, 'nats');
      const third = await born('Lê Thị Vân');
      await followRegistryChanges(ctx);
      await expect(publisher.publishPending()).rejects.toThrow();
      expect(await readCursor(database.db, 'nats')).toBe(before);

      await server.up();
      let published = 0;
      for (let i = 0; i < 100 && published === 0; i++) {
        published = await publisher.publishPending().catch(() => 0);
        if (published === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(published).toBe(1);
      messages = await streamed();
      expect(messages.map((m) => m.event.idNumber)).toEqual([
        first.idNumber,
        second.idNumber,
        first.idNumber,
        third.idNumber,
      ]);

      // A crash between the acks and the cursor update republishes: the stream drops the duplicates.
      await setCursor(database.db, 'nats', 0);
      expect(await publisher.publishPending()).toBe(4);
      expect((await streamed()).length).toBe(4);
    } finally {
      await publisher.close();
    }
  });

  it('is published by the event workers when NATS_URL is set', async () => {
    const workers = startEventWorkers(ctx, {
      keys: new StaticKeyStore({}, { [WEBHOOK_KEY_NAME]: [randomBytes(32)] }),
      natsUrl: server.url,
      pollMs: 50,
    });
    try {
      const person = await born('Phan Thị Uyên');
      let found = false;
      for (let i = 0; i < 100 && !found; i++) {
        found = (await streamed()).some((m) => m.event.idNumber === person.idNumber);
        if (!found) await new Promise((r) => setTimeout(r, 50));
      }
      expect(found).toBe(true);
    } finally {
      await workers.stop();
    }
  });
});
