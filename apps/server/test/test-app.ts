import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '@dinhdanh/db';
import { testDatabase } from '@dinhdanh/db/testing';
import type { ExchangeContext } from '@dinhdanh/exchange';
import {
  type Amr,
  createCitizenAccount,
  createSession,
  findAccountByIdNumber,
  type IdentityContext,
  type IdentityContextOptions,
} from '@dinhdanh/identity';
import { createLogger, fixedClock, loadConfig } from '@dinhdanh/kernel';
import { AdminUnits, defaultRules, issueOfficerToken, type RegistryContext } from '@dinhdanh/registry';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  units: AdminUnits;
  clock: ReturnType<typeof fixedClock>;
  /** A bearer token for an officer of the unit (2025 province, commune or VN). */
  token(unit: string, officerId?: string, role?: 'officer' | 'supervisor'): Promise<string>;
  /**
   * A real identity session token (send as `Authorization: Bearer` or the session cookie) for the
   * person with this ID number; creates their account first if they have none. The person need
   * not be in the registry (access-log tests use made-up numbers).
   */
  citizenSession(idNumber: string, options?: { level?: 1 | 2; amr?: Amr[] }): Promise<string>;
  /** @deprecated the interim citizen tokens are gone; an alias of citizenSession. */
  citizenToken(idNumber: string): Promise<string>;
  identity: IdentityContext;
  /** The development SMS outbox file of this app. */
  outboxFile: string;
  subjectSecret: Uint8Array;
  close(): Promise<void>;
}

/** The whole server on a fresh test database (PGlite or PostgreSQL, per Vitest project). */
export async function createTestApp(
  options: {
    now?: string;
    identity?: Partial<Omit<IdentityContextOptions, 'config' | 'registry' | 'logger' | 'officerTokenKey'>>;
    /** Extra configuration (environment variables), e.g. a keys directory. */
    env?: Record<string, string>;
    /** Test-only routes added before the app is ready (guards, deadlines). */
    routes?: (app: FastifyInstance) => void;
  } = {},
): Promise<TestApp> {
  const database = await testDatabase();
  const units = await AdminUnits.load(database.db);
  const key = randomBytes(32);
  const subjectSecret = randomBytes(32);
  const outboxDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-outbox-'));
  const outboxFile = path.join(outboxDir, 'dev-outbox.ndjson');
  const clock = fixedClock(options.now ?? '2026-11-23T03:00:00Z');
  const config = loadConfig({ DINHDANH_MODE: 'test', DINHDANH_LOG_LEVEL: 'silent', ...options.env });
  const removeOutbox = () => rmSync(outboxDir, { recursive: true, force: true });
  const failedStart = async (error: unknown): Promise<never> => {
    await database.close();
    removeOutbox();
    throw error;
  };
  const app = await buildApp({
    config,
    database,
    units,
    officerTokenKey: key,
    subjectSecret,
    identitySecret: randomBytes(32),
    identity: {
      outboxFile,
      webauthn: { rpID: 'localhost', rpName: 'dinhdanh test', origin: 'https://localhost' },
      ...options.identity,
    },
    logger: createLogger('silent'),
    clock,
  }).catch(failedStart);
  options.routes?.(app);
  await app.ready().catch(async (error) => {
    await app.close();
    return failedStart(error);
  });
  const identity = app.identity!;
  const citizenSession = async (idNumber: string, session: { level?: 1 | 2; amr?: Amr[] } = {}) => {
    const account =
      (await findAccountByIdNumber(identity, idNumber)) ??
      (await createCitizenAccount(identity, {
        idNumber,
        displayName: `Test ${idNumber}`,
        phone: null,
        level: session.level ?? 1,
        actor: { kind: 'system', id: 'test' },
      }));
    const amr = session.amr ?? ['pwd', 'sms'];
    return (
      await createSession(identity, { accountId: account.accountId, acr: account.level === 2 ? 2 : 1, amr })
    ).token;
  };
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
    citizenSession,
    citizenToken: (idNumber) => citizenSession(idNumber),
    identity,
    outboxFile,
    subjectSecret,
    close: async () => {
      try {
        await app.close();
        await database.close();
      } finally {
        removeOutbox();
      }
    },
  };
}

/** The registry's context over a test app's database, clock and audit secret (reads audited). */
export function registryContextOf(t: TestApp): RegistryContext {
  return {
    db: t.database.db,
    units: t.units,
    clock: t.clock,
    rules: defaultRules,
    audit: { subjectSecret: t.subjectSecret, auditReads: true },
  };
}

/** The exchange's context over a test app (for registering agencies and calling services directly). */
export function exchangeContextOf(t: TestApp): ExchangeContext {
  return {
    db: t.database.db,
    clock: t.clock,
    logger: createLogger('silent'),
    registry: registryContextOf(t),
    subjectSecret: t.subjectSecret,
  };
}
