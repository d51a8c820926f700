import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type { Database } from './database.ts';

/** A plain-SQL migration owned by one package. Names sort in the order they apply. */
export interface Migration {
  owner: string;
  name: string;
  sql: string;
}

/** Reads `NNNN_name.sql` files from a package's migrations folder. */
export async function readMigrations(owner: string, dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (file) => ({ owner, name: file, sql: await readFile(path.join(dir, file), 'utf8') })),
  );
}

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

// Any constant works; it only has to be the same for every process that migrates.
const MIGRATION_LOCK_KEY = 4_711_061;

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so
 * that several processes starting at once migrate exactly once. A migration already applied
 * whose file has changed is an error: history is never rewritten.
 */
export async function migrate(database: Database, migrations: readonly Migration[]): Promise<string[]> {
  await database.exec(`
    CREATE TABLE IF NOT EXISTS public.schema_migration (
      owner text NOT NULL,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (owner, name)
    );`);
  const applied: string[] = [];
  await database.bulk(async (session) => {
    await session.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const done = new Map(
      (
        await session.query<{ owner: string; name: string; checksum: string }>(
          'SELECT owner, name, checksum FROM public.schema_migration',
        )
      ).map((row) => [`${row.owner}/${row.name}`, row.checksum]),
    );
    for (const migration of migrations) {
      const key = `${migration.owner}/${migration.name}`;
      const sum = checksum(migration.sql);
      const previous = done.get(key);
      if (previous) {
        if (previous !== sum) throw new Error(`migration ${key} was changed after it was applied`);
        continue;
      }
      await session.exec(migration.sql);
      await session.query('INSERT INTO public.schema_migration (owner, name, checksum) VALUES ($1, $2, $3)', [
        migration.owner,
        migration.name,
        sum,
      ]);
      applied.push(key);
    }
  });
  return applied;
}

/** True when the database answers a trivial query. Used by /health. */
export async function ping(database: Database): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(database.db);
    return true;
  } catch {
    return false;
  }
}
