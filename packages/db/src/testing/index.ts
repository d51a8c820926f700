import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../database.ts';

export { findPostgresBinDir, POSTGRES_MISSING_MESSAGE, startPostgresCluster } from './postgres-cluster.ts';

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
    const serverUrl = inject('postgresUrl');
    const name = `dd_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`);
    } finally {
      await admin.end();
    }
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return openDatabase({ url: url.toString(), poolSize: 8 });
  }
  templateBlob ??= new Blob([await readFile(inject('pgliteTemplate'))]);
  return openDatabase({ loadDataDir: templateBlob });
}

/** The engine of the current project, for test names. */
export function testDatabaseKind(): 'pglite' | 'postgres' {
  return inject('dbKind');
}
