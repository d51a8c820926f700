import { sql } from 'kysely';
import type { Db } from '../database.ts';

/**
 * Counts rows the operator recognises (people, audit entries). The owning packages provide it:
 * this package knows the engines, not the tables.
 */
export type CountRows = (db: Db) => Promise<Record<string, number>>;

/** What both engines' restores are given. */
export interface RestoreOptions {
  force: boolean;
  counts: CountRows;
  now: Date;
  /** Checks the payload; called after the cheap refusals and before anything is touched. */
  verify: () => Promise<void>;
  onBytes?: (bytes: number) => void;
}

/** What a backup holds, or what a restore produced: recorded in the manifest, printed after a restore. */
export interface Inventory {
  serverVersion: number;
  migrations: string[];
  counts: Record<string, number>;
}

export async function takeInventory(db: Db, counts: CountRows): Promise<Inventory> {
  const version = await sql<{ version: string }>`
    SELECT current_setting('server_version_num') AS version`.execute(db);
  // A database that was never migrated has no migration table: an empty list, not an error.
  const migrated = await sql<{ table: string | null }>`
    SELECT to_regclass('public.schema_migration')::text AS table`.execute(db);
  const migrations = migrated.rows[0]?.table
    ? (
        await sql<{ migration: string }>`
          SELECT owner || '/' || name AS migration FROM public.schema_migration
          ORDER BY applied_at, owner, name`.execute(db)
      ).rows.map((row) => row.migration)
    : [];
  return { serverVersion: Number(version.rows[0]?.version), migrations, counts: await counts(db) };
}

/** A compact UTC timestamp for names of things moved aside: 20260131T235959. */
export function asideStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').slice(0, 15).toLowerCase();
}
