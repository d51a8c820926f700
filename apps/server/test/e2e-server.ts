import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Database, openDatabase } from '@dinhdanh/db';
import { freePort } from '@dinhdanh/db/testing';
import { readOutbox } from '@dinhdanh/identity';
import { type Clock, createLogger, loadConfig } from '@dinhdanh/kernel';
import { ephemeralProviderKeys } from '@dinhdanh/oidc';
import { AdminUnits, seedPopulation } from '@dinhdanh/registry';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { buildApp } from '../src/app.ts';
import { prepareDatabase } from '../src/platform.ts';
import { captureJpeg } from './identity-helpers.ts';

/** The whole server on an embedded database with a seeded population, listening for a browser. */
export interface BrowserTestServer {
  app: FastifyInstance;
  database: Database;
  units: AdminUnits;
  /** http://localhost:PORT (a secure context, so __Host- cookies stay), also the issuer. */
  baseUrl: string;
  officerTokenKey: Uint8Array;
  /** The development SMS outbox file. */
  outboxFile: string;
  close(): Promise<void>;
}

export async function startBrowserTestServer(options: {
  people: number;
  seed: number;
  clock?: Clock;
}): Promise<BrowserTestServer> {
  const database = await openDatabase({});
  await prepareDatabase(database);
  await seedPopulation(database, { people: options.people, seed: options.seed });
  const units = await AdminUnits.load(database.db);
  const officerTokenKey = new Uint8Array(32).fill(7);
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const workDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-browser-e2e-'));
  const outboxFile = path.join(workDir, 'outbox.ndjson');
  const app = await buildApp({
    config: loadConfig({
      DINHDANH_MODE: 'test',
      DINHDANH_ISSUER: baseUrl,
      DINHDANH_KEYS_DIR: path.join(workDir, 'keys'),
    }),
    database,
    units,
    officerTokenKey,
    subjectSecret: new Uint8Array(32).fill(9),
    identity: { outboxFile, webauthn: { rpID: 'localhost', origin: baseUrl, rpName: 'dinhdanh' } },
    logger: createLogger('silent'),
    ...(options.clock ? { clock: options.clock } : {}),
    oidc: {
      signingKeys: ephemeralProviderKeys(),
      cookieKey: new Uint8Array(32).fill(3),
      pairwiseKey: new Uint8Array(32).fill(4),
      demoRelyingParty: { keysDir: path.join(workDir, 'demo-rp') },
    },
  });
  await app.listen({ host: '127.0.0.1', port });
  return {
    app,
    database,
    units,
    baseUrl,
    officerTokenKey,
    outboxFile,
    async close() {
      try {
        await app.close();
        await database.close();
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}

/** The 6-digit code in the newest message the development gateway "sent" to this phone. */
export async function lastCode(outboxFile: string, phone: string): Promise<string> {
  const national = phone.replace(/^\+84/, '0');
  const message = (await readOutbox(outboxFile, 100))
    .filter((item) => item.to.replace(/^\+84/, '0') === national)
    .at(-1);
  const code = message?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error('no code in the outbox');
  return code;
}

export interface Citizen {
  idNumber: string;
  fullName: string;
  phone: string;
}

/**
 * Seeded adults (alive, with a phone and a portrait, born before 2000) who register their own
 * level-1 accounts through the API with this password, as a citizen does in the wallet.
 */
export async function selfRegisteredCitizens(
  server: BrowserTestServer,
  count: number,
  password: string,
): Promise<Citizen[]> {
  const { rows } = await sql<{ id_number: string; full_name: string; date_of_birth: string; phone: string }>`
    SELECT id_number, full_name, date_of_birth::text AS date_of_birth, phone FROM registry.person
    WHERE phone IS NOT NULL AND date_of_death IS NULL AND biometrics ? 'face'
      AND date_of_birth < DATE '2000-01-01'
    ORDER BY id_number LIMIT ${count}`.execute(server.database.db);
  expect(rows).toHaveLength(count);
  const post = (url: string, payload: object) =>
    server.app.inject({ method: 'POST', url: `/api/identity/v1${url}`, payload });
  for (const row of rows) {
    const started = await post('/registrations', {
      idNumber: row.id_number,
      fullName: row.full_name,
      dateOfBirth: row.date_of_birth,
      phone: row.phone,
    });
    expect(started.statusCode, started.body).toBe(201);
    const { registrationId } = started.json() as { registrationId: string };
    for (const [step, payload] of [
      ['otp', { code: await lastCode(server.outboxFile, row.phone) }],
      ['face', { image: captureJpeg }],
      ['complete', { password }],
    ] as const) {
      const answer = await post(`/registrations/${registrationId}/${step}`, payload);
      expect(answer.statusCode, answer.body).toBeLessThan(300);
    }
  }
  return rows.map((row) => ({ idNumber: row.id_number, fullName: row.full_name, phone: row.phone }));
}
