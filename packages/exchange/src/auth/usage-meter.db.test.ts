import { generateKeyPairSync } from 'node:crypto';
import type { Database, Db } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { AppError, createLogger, fixedClock, type Logger } from '@dinhdanh/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUsage, usageOn } from '../agency/agency.repository.ts';
import type { Agency } from '../agency/agency.schema.ts';
import { registerAgency } from '../agency/agency.service.ts';
import { UsageMeter } from './usage-meter.ts';

// The agencies' rate limit and daily quota, and how the counts reach the database that several
// processes share.

const clock = fixedClock('2026-12-07T03:00:00Z');
const silent = createLogger('silent');
let database: Database;

const register = (name: string, limits: { ratePerSecond: number; quotaPerDay: number }) =>
  registerAgency(
    { db: database.db, clock },
    {
      name,
      scopes: ['exchange.verify'],
      purposes: [{ code: 'tax', description: 'Thuế', legalBasis: 'Luật', fields: ['fullName'] }],
      jwks: {
        keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })],
      },
      ...limits,
    },
  );

/** 'ok', or the catalogue code and detail of the refusal. */
async function take(meter: UsageMeter, agency: Agency, records: number, operation = 'verify') {
  try {
    await meter.take(agency, operation, records);
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return [error.code, error.detail];
    throw error;
  }
}

const later = (ms: number) => clock.set(new Date(clock.now().getTime() + ms));

beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database?.close());

describe(`agency usage (${testDatabaseKind()})`, () => {
  it('allows a burst of twice the rate, then refills the bucket at the rate', async () => {
    const agency = await register('Nhịp', { ratePerSecond: 2, quotaPerDay: 1_000 });
    const meter = new UsageMeter({ db: database.db, clock, logger: silent });
    for (let i = 0; i < 4; i++) expect(await take(meter, agency, 1), `request ${i}`).toBe('ok');
    expect(await take(meter, agency, 1)).toEqual(['ERR_RATE_LIMITED', 'at most 2 requests/s']);
    later(250);
    expect(await take(meter, agency, 1)).toEqual(['ERR_RATE_LIMITED', 'at most 2 requests/s']);
    later(250);
    expect(await take(meter, agency, 1)).toBe('ok');
    expect(await take(meter, agency, 1)).toEqual(['ERR_RATE_LIMITED', 'at most 2 requests/s']);
    // A long pause refills to the burst, not beyond.
    later(60_000);
    for (let i = 0; i < 4; i++) expect(await take(meter, agency, 1), `request ${i}`).toBe('ok');
    expect((await take(meter, agency, 1))[0]).toBe('ERR_RATE_LIMITED');
    // A refused request costs no quota.
    await meter.flush();
    expect(await usageOn(database.db, agency.agencyId, '2026-12-07')).toBe(9);
  });

  it('counts records toward the daily quota up to the quota exactly, per agency', async () => {
    const agency = await register('Hạn mức', { ratePerSecond: 100, quotaPerDay: 10 });
    const other = await register('Khác', { ratePerSecond: 100, quotaPerDay: 10 });
    const meter = new UsageMeter({ db: database.db, clock, logger: silent });
    expect(await take(meter, agency, 6)).toBe('ok');
    expect(await take(meter, agency, 5)).toEqual(['ERR_EXCHANGE_QUOTA', '10 records per day']);
    expect(await take(meter, agency, 4, 'lookup')).toBe('ok');
    expect(await take(meter, agency, 1)).toEqual(['ERR_EXCHANGE_QUOTA', '10 records per day']);
    expect(await take(meter, other, 10)).toBe('ok');
    await meter.flush();
    const today = '2026-12-07';
    expect(await usageOn(database.db, agency.agencyId, today)).toBe(10);
    expect(await listUsage(database.db, { agencyId: agency.agencyId, days: 1, today })).toEqual([
      { agencyId: agency.agencyId, day: today, operation: 'lookup', count: 4 },
      { agencyId: agency.agencyId, day: today, operation: 'verify', count: 6 },
    ]);
    // Nothing new to write: a second flush adds nothing.
    await meter.flush();
    expect(await usageOn(database.db, agency.agencyId, today)).toBe(10);
  });

  it('shares the quota between processes through the database, and starts afresh each day', async () => {
    const agency = await register('Hai tiến trình', { ratePerSecond: 100, quotaPerDay: 5 });
    const first = new UsageMeter({ db: database.db, clock, logger: silent });
    const second = new UsageMeter({ db: database.db, clock, logger: silent });
    expect(await take(first, agency, 3)).toBe('ok');
    // Counts not yet written are still this process's: with them the quota is reached.
    expect(await take(first, agency, 3)).toEqual(['ERR_EXCHANGE_QUOTA', '5 records per day']);
    await first.flush();
    expect(await take(second, agency, 3)).toEqual(['ERR_EXCHANGE_QUOTA', '5 records per day']);
    expect(await take(second, agency, 2)).toBe('ok');
    // After a flush the first process reads the shared total again.
    await second.flush();
    expect(await take(first, agency, 1)).toEqual(['ERR_EXCHANGE_QUOTA', '5 records per day']);
    // The next day (UTC) the quota is whole again, and the counts go to that day.
    clock.set('2026-12-08T00:00:01Z');
    expect(await take(first, agency, 5)).toBe('ok');
    await first.flush();
    expect(await usageOn(database.db, agency.agencyId, '2026-12-08')).toBe(5);
    expect(await usageOn(database.db, agency.agencyId, '2026-12-07')).toBe(5);
    clock.set('2026-12-07T04:00:00Z');
  });

  it('keeps the counts when the database is away and writes them on the next flush', async () => {
    const agency = await register('Mất kết nối', { ratePerSecond: 100, quotaPerDay: 100 });
    let down = false;
    // The database as the meter sees it: writes fail while `down`.
    const flaky = new Proxy(database.db, {
      get(target, property) {
        if (down && property === 'getExecutor') throw new Error('connection refused');
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Db;
    const warnings: unknown[] = [];
    const logger = { ...silent, warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
    const meter = new UsageMeter({ db: flaky, clock, logger });
    expect(await take(meter, agency, 7)).toBe('ok');
    down = true;
    await meter.flush();
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toContain('exchange usage flush failed');
    down = false;
    expect(await usageOn(database.db, agency.agencyId, '2026-12-07')).toBe(0);
    expect(await take(meter, agency, 2)).toBe('ok');
    await meter.flush();
    expect(await usageOn(database.db, agency.agencyId, '2026-12-07')).toBe(9);
  });

  it('flushes on its own every interval once started, and once more when stopped', async () => {
    const agency = await register('Định kỳ', { ratePerSecond: 100, quotaPerDay: 100 });
    const meter = new UsageMeter({ db: database.db, clock, logger: silent });
    meter.start(20);
    meter.start(20);
    expect(await take(meter, agency, 3)).toBe('ok');
    await expect.poll(() => usageOn(database.db, agency.agencyId, '2026-12-07')).toBe(3);
    expect(await take(meter, agency, 2)).toBe('ok');
    await meter.stop();
    expect(await usageOn(database.db, agency.agencyId, '2026-12-07')).toBe(5);
    // Stopped: no more flushing on its own.
    expect(await take(meter, agency, 1)).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await usageOn(database.db, agency.agencyId, '2026-12-07')).toBe(5);
  });
});
