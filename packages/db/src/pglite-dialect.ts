import type { PGlite } from '@electric-sql/pglite';
import { type DatabaseConnection, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type { Mutex } from './mutex.ts';

/**
 * Lets Kysely's Postgres dialect drive an embedded PGlite. PGlite is a single connection,
 * so "connections" are handed out one at a time through a mutex: a Kysely transaction holds
 * it from BEGIN to COMMIT and nothing else can interleave statements into it.
 */
export function pgliteDialect(pg: PGlite, mutex: Mutex): PostgresDialect {
  const pool: PostgresPool = {
    async connect(): Promise<PostgresPoolClient> {
      const release = await mutex.acquire();
      return {
        async query(sql: string, parameters: readonly unknown[]) {
          const result = await pg.query<Record<string, unknown>>(sql, parameters as unknown[]);
          const command = sql.trimStart().slice(0, 6).toUpperCase();
          return {
            command: command as 'SELECT',
            rowCount: result.affectedRows ?? result.rows.length,
            rows: result.rows,
          };
        },
        release,
      } as unknown as PostgresPoolClient;
    },
    async end() {},
  };
  return new PostgresDialect({ pool });
}

export type { DatabaseConnection };
