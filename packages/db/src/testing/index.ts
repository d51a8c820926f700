import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../database.ts';

import { createClusterDatabase } from './postgres-cluster.ts';

export {
  createClusterDatabase,
  findPostgresBinDir,
  freePort,
  POSTGRES_MISSING_MESSAGE,
  restartableServer,
  startPostgresCluster,
  waitForPort,
} from './postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dbKind: 'pglite' | 'postgres';
    /** PGlite: path of the migrated template dump. */
    pgliteTemplate: string;
    /** PostgreSQL: server URL (maintenance database) and the migrated template's name. */
    postgresUrl: string;
    postgresTemplate: string;
  }
}

let templateBlob: Blob | undefined;

/**
 * A fresh, migrated database with reference data, for one test file. Which engine depends on
 * the Vitest project running the file: `db-pglite` or `db-postgres`.
 */
export async function testDatabase(): Promise<Database> {
  const kind = inject('dbKind');
  if (kind === 'postgres') {
    const url = await createClusterDatabase(
      inject('postgresUrl'),
      `dd_test_${randomBytes(6).toString('hex')}`,
      inject('postgresTemplate'),
    );
    const database = await openDatabase({ url, poolSize: 8 });
    return Object.assign(database, { url });
  }
  templateBlob ??= new Blob([await readFile(inject('pgliteTemplate'))]);
  return openDatabase({ loadDataDir: templateBlob });
}

/**
 * Environment variables that point a separate process (the CLI, a server) at a fresh migrated
 * database of the current project's engine: DATABASE_URL, or a PGlite data directory.
 */
export async function testDatabaseEnv(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const kind = inject('dbKind');
  if (kind === 'postgres') {
    const database = await testDatabase();
    const url = (database as Database & { url?: string }).url;
    await database.close();
    if (!url) throw new Error('no URL');
    return { env: { DATABASE_URL: url }, cleanup: async () => {} };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-pgdata-'));
  templateBlob ??= new Blob([await readFile(inject('pgliteTemplate'))]);
  const database = await openDatabase({ dataDir: dir, loadDataDir: templateBlob });
  await database.close();
  return {
    env: { DINHDANH_DATA_DIR: dir },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The engine of the current project, for test names. */
export function testDatabaseKind(): 'pglite' | 'postgres' {
  return inject('dbKind');
}
