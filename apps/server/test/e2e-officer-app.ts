import { type Database, openDatabase } from '@dinhdanh/db';
import { createLogger, loadConfig } from '@dinhdanh/kernel';
import { AdminUnits, issueOfficerToken, seedPopulation } from '@dinhdanh/registry';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { prepareDatabase } from '../src/platform.ts';

export interface OfficerConsoleApp {
  app: FastifyInstance;
  database: Database;
  units: AdminUnits;
  /** Where the browser goes: http://127.0.0.1:PORT */
  baseUrl: string;
  /** A bearer token for an officer of the unit (2025 province, commune or VN). */
  token(unit: string, officerId: string, role?: 'officer' | 'supervisor'): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole server on an embedded database seeded with a synthetic population, listening on a
 * free port, for officer-console tests in a browser. `prepare` adds data before the server starts.
 */
export async function startOfficerConsoleApp(options: {
  people: number;
  seed: number;
  prepare?: (database: Database) => Promise<void>;
}): Promise<OfficerConsoleApp> {
  const database = await openDatabase({});
  await prepareDatabase(database);
  await seedPopulation(database, { people: options.people, seed: options.seed });
  await options.prepare?.(database);
  const units = await AdminUnits.load(database.db);
  const key = new Uint8Array(32).fill(7);
  const app = await buildApp({
    config: loadConfig({ DINHDANH_MODE: 'test' }),
    database,
    units,
    officerTokenKey: key,
    subjectSecret: new Uint8Array(32).fill(9),
    logger: createLogger('silent'),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return {
    app,
    database,
    units,
    baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    token: async (unit, officerId, role) =>
      (await issueOfficerToken(key, units, { unit, officerId, ...(role ? { role } : {}) })).token,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
