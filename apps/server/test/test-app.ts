import { randomBytes } from 'node:crypto';
import type { Database } from '@dinhdanh/db';
import { testDatabase } from '@dinhdanh/db/testing';
import { createLogger, fixedClock, loadConfig } from '@dinhdanh/kernel';
import { AdminUnits, issueCitizenToken, issueOfficerToken } from '@dinhdanh/registry';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  units: AdminUnits;
  clock: ReturnType<typeof fixedClock>;
  /** A bearer token for an officer of the unit (2025 province, commune or VN). */
  token(unit: string, officerId?: string, role?: 'officer' | 'supervisor'): Promise<string>;
  /** An interim citizen token for the person with this ID number. */
  citizenToken(idNumber: string): Promise<string>;
  subjectSecret: Uint8Array;
  close(): Promise<void>;
}

/** The whole server on a fresh test database (PGlite or PostgreSQL, per Vitest project). */
export async function createTestApp(options: { now?: string } = {}): Promise<TestApp> {
  const database = await testDatabase();
  const units = await AdminUnits.load(database.db);
  const key = randomBytes(32);
  const subjectSecret = randomBytes(32);
  const citizenTokenKey = randomBytes(32);
  const clock = fixedClock(options.now ?? '2026-11-23T03:00:00Z');
  const config = loadConfig({ DINHDANH_MODE: 'test', DINHDANH_LOG_LEVEL: 'silent' });
  const app = await buildApp({
    config,
    database,
    units,
    officerTokenKey: key,
    subjectSecret,
    citizenTokenKey,
    logger: createLogger('silent'),
    clock,
  });
  await app.ready();
  return {
    app,
    database,
    units,
    clock,
    token: async (unit, officerId, role) =>
      (
        await issueOfficerToken(key, units, {
          unit,
          now: clock.now(),
          ...(officerId ? { officerId } : {}),
          ...(role ? { role } : {}),
        })
      ).token,
    citizenToken: async (idNumber) =>
      (await issueCitizenToken(citizenTokenKey, subjectSecret, idNumber, { now: clock.now() })).token,
    subjectSecret,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
