import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { lockDataDir } from './data-dir-lock.ts';
import { Mutex } from './mutex.ts';
import { pgliteDialect } from './pglite-dialect.ts';

// biome-ignore lint/suspicious/noExplicitAny: each package narrows this to its own tables
export type Db = Kysely<any>;

/** A bulk session: raw statements and COPY inside one transaction, for seeding and imports. */
export type CopyChunk = string | Uint8Array;
export type CopyInput = Iterable<CopyChunk> | AsyncIterable<CopyChunk>;

export interface BulkSession {
  exec(sql: string): Promise<void>;
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * COPY rows (already CSV-encoded, newline-terminated) into a table. Chunks may be text or UTF-8
   * bytes; bytes pass through without being decoded and re-encoded.
   */
  copy(table: string, columns: readonly string[], csv: CopyInput): Promise<void>;
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** Runs a multi-statement SQL script (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction with raw access for COPY. Rolls back if it throws. */
  bulk<T>(fn: (session: BulkSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** PGlite only: a dump of the data directory, used as a template for test databases. */
  dumpDataDir?(): Promise<Blob>;
  /** Connections open, idle and requests waiting for one (PostgreSQL's pool; PGlite has one session). */
  poolStats(): PoolStats;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

// DATE stays a 'YYYY-MM-DD' string (a civil date has no time zone); BIGINT becomes a number
// (sequence numbers stay far below 2^53).
const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

pg.types.setTypeParser(DATE_OID, (value) => value);
pg.types.setTypeParser(INT8_OID, (value) => Number(value));
pg.types.setTypeParser(NUMERIC_OID, (value) => Number(value));

export interface DatabaseOptions {
  /** PostgreSQL connection string. When absent, PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; omit for an in-memory database. */
  dataDir?: string | undefined;
  /** A PGlite data-directory dump to start from (test templates). */
  loadDataDir?: Blob | undefined;
  poolSize?: number | undefined;
  /**
   * PostgreSQL: limits that keep a stalled database from hanging its callers (see DatabaseLimits).
   * The server sets them from its request deadline; without them (CLI jobs, tests) nothing is limited.
   */
  limits?: DatabaseLimits | undefined;
  /** PostgreSQL: told of each connection the server ends (restart, failover); the pool replaces it. */
  onConnectionError?: ((error: Error) => void) | undefined;
}

/**
 * Every connection's defaults, so a locked table or a stalled server costs a caller a bounded
 * wait and a clear error, never a hang. Jobs that legitimately run long (bulk loads, migrations)
 * lift the statement and lock limits inside their own transaction (`bulk` does).
 */
export interface DatabaseLimits {
  /** A statement running longer is cancelled (SQLSTATE 57014). */
  statementTimeoutMs: number;
  /** A statement waiting longer for a lock gives up (SQLSTATE 55P03). */
  lockTimeoutMs: number;
  /** Waiting for a pooled connection (or for a new one to connect) longer fails. */
  acquireTimeoutMs: number;
  /** A session idle inside an open transaction longer is ended by the server, releasing its locks. */
  idleInTransactionTimeoutMs: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const limits = options.limits;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // pg_stat_activity then shows which process holds which connection (several workers, hosts).
    application_name: `dinhdanh:${process.pid}`,
    ...(limits
      ? {
          connectionTimeoutMillis: limits.acquireTimeoutMs,
          statement_timeout: limits.statementTimeoutMs,
          lock_timeout: limits.lockTimeoutMs,
          idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
        }
      : {}),
  });
  const onConnectionError = options.onConnectionError ?? (() => {});
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', onConnectionError);
  // pg-pool listens for errors only on idle clients. A checked-out client whose server goes away
  // between two statements (a transaction in progress, a restart with `terminating connection due
  // to administrator command`) emits 'error' with nobody listening, which would end the process.
  // This listener stays for the client's life; the client is marked unusable and the pool drops it
  // on release.
  pool.on('connect', (client) => {
    client.on('error', onConnectionError);
  });
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };
  return {
    kind: 'postgres',
    db,
    exec: (sql) => withClient(async (client) => void (await client.query(sql))),
    bulk: (fn) =>
      withClient(async (client) => {
        // Bulk jobs (seeding, imports, migrations) run as long as they need.
        await client.query('BEGIN; SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0');
        try {
          const result = await fn({
            exec: async (sql) => void (await client.query(sql)),
            query: async (sql, params) => (await client.query(sql, params)).rows,
            copy: async (table, columns, csv) => {
              const stream = client.query(
                copyFrom(`COPY ${table} (${columns.join(',')}) FROM STDIN WITH (FORMAT csv)`),
              );
              await pipeline(Readable.from(csv, { objectMode: false }), stream);
            },
          });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      }),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: async () => {
      // Kysely ends the pool only if it used it; raw exec/bulk use it directly.
      await db.destroy();
      if (!pool.ended) await pool.end();
    },
  };
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      parsers: {
        [DATE_OID]: (value: string) => value,
        [INT8_OID]: (value: string) => Number(value),
        [NUMERIC_OID]: (value: string) => Number(value),
      },
    });
  } catch (error) {
    unlock();
    throw error;
  }
  const mutex = new Mutex();
  const db: Db = new Kysely({ dialect: pgliteDialect(pglite, mutex) });
  let closed = false;
  return {
    kind: 'pglite',
    db,
    exec: (sql) => mutex.run(async () => void (await pglite.exec(sql))),
    bulk: (fn) =>
      mutex.run(async () => {
        await pglite.query('BEGIN');
        try {
          const result = await fn({
            exec: async (sql) => void (await pglite.exec(sql)),
            query: async <Row>(sql: string, params?: unknown[]) =>
              (await pglite.query<Row>(sql, params ?? [])).rows,
            copy: async (table, columns, csv) => {
              // PGlite reads COPY input from a Blob; the caller's batches keep each blob small.
              const parts: (string | Uint8Array<ArrayBuffer>)[] = [];
              for await (const chunk of csv as AsyncIterable<CopyChunk>)
                parts.push(typeof chunk === 'string' ? chunk : new Uint8Array(chunk));
              await pglite.query(
                `COPY ${table} (${columns.join(',')}) FROM '/dev/blob' WITH (FORMAT csv)`,
                [],
                {
                  blob: new Blob(parts),
                },
              );
            },
          });
          await pglite.query('COMMIT');
          return result;
        } catch (error) {
          await pglite.query('ROLLBACK').catch(() => {});
          throw error;
        }
      }),
    dumpDataDir: () => mutex.run(() => pglite.dumpDataDir('none')),
    poolStats: () => ({ total: 1, idle: mutex.busy ? 0 : 1, waiting: mutex.waiting }),
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
      await pglite.close();
      unlock();
    },
  };
}
