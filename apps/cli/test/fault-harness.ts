// Fault-injection tests' tools: a real PostgreSQL cluster the test can halt, the platform started
// through the CLI as an operator would, and steady load that records what every request got.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createClusterDatabase,
  freePort,
  type PostgresCluster,
  startPostgresCluster,
} from '@dinhdanh/db/testing';
import pg from 'pg';

const bin = path.resolve(import.meta.dirname, '../bin/dinhdanh.js');

export interface FaultEnv {
  cluster: PostgresCluster;
  databaseUrl: string;
  env: Record<string, string>;
  token: string;
  ids: string[];
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  cleanup(): Promise<void>;
}

/** A cluster, a database with a small seeded population, a keys directory and an officer token. */
export async function faultEnvironment(options: { people?: number } = {}): Promise<FaultEnv> {
  const cluster = await startPostgresCluster();
  const databaseUrl = await createClusterDatabase(cluster.url, 'faults');
  const keysDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-fault-keys-'));
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    DINHDANH_KEYS_DIR: keysDir,
    DINHDANH_LOG_LEVEL: 'warn',
    DINHDANH_MODE: 'development',
  };
  const cli = (args: string[]) =>
    execFileSync(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  cli(['seed', '--people', String(options.people ?? 300)]);
  const token =
    cli(['officer', 'token', '--unit', 'VN', '--role', 'supervisor']).trim().split('\n').at(-1) ?? '';
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on('error', () => {});
  const query = async <Row>(text: string, params: unknown[] = []) =>
    (await pool.query(text, params)).rows as Row[];
  const ids = (
    await query<{ id: string }>(
      'SELECT trim(id_number) AS id FROM registry.person WHERE date_of_death IS NULL ORDER BY id_number LIMIT 100',
    )
  ).map((row) => row.id);
  return {
    cluster,
    databaseUrl,
    env,
    token,
    ids,
    query,
    async cleanup() {
      await pool.end().catch(() => {});
      cluster.stop();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything it wrote, logs included (warnings are expected during a fault; crashes show here). */
  stderr(): string;
  /** The processes serving: the server itself, or with --workers the supervisor's children. */
  workerPids(): number[];
  stop(): Promise<void>;
}

/** `dinhdanh serve` (optionally with --workers) on a free port; resolves once it is ready. */
export async function startServer(
  env: Record<string, string>,
  options: { workers?: number; extraEnv?: Record<string, string>; waitReady?: boolean } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const args = [bin, 'serve', '--port', String(port)];
  if (options.workers) args.push('--workers', String(options.workers));
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, ...options.extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const collect = (chunk: Buffer) => {
    stderr += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    child,
    url,
    port,
    stderr: () => stderr,
    workerPids: () => {
      if (!options.workers) return child.pid ? [child.pid] : [];
      try {
        return execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .filter(Boolean)
          .map(Number);
      } catch {
        return [];
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
  if (options.waitReady !== false) {
    const ready = await waitFor(async () => (await status(`${url}/health/ready`)) === 200, 90_000);
    if (!ready) {
      await server.stop();
      throw new Error(`server did not become ready:\n${stderr}`);
    }
    if (options.workers) await waitFor(async () => server.workerPids().length === options.workers, 30_000);
  }
  return server;
}

/** The HTTP status of a GET, or the network error's code when there was no answer. */
export async function status(url: string, init: RequestInit = {}): Promise<number | string> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? (error as Error).name;
  }
}

export async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (await check()) return true;
    await sleep(200);
  }
  return false;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Outcome {
  at: number;
  status: number | string;
  ms: number;
  /** For writes: the marker written, so the test can find it afterwards. */
  marker?: string;
  retryAfter?: string | null;
}

/**
 * Steady load until `stop()`: `readers` loops of audited person lookups and `writers` loops of
 * corrections, each marked with a unique value. Records every outcome with its time.
 */
export function steadyLoad(
  target: () => string,
  fault: FaultEnv,
  options: { readers: number; writers?: number },
): { outcomes: Outcome[]; stop(): Promise<Outcome[]> } {
  const outcomes: Outcome[] = [];
  let running = true;
  let sequence = 0;
  // Unique across loads on the same database, so one test's writes are never taken for another's.
  const run = Math.random().toString(36).slice(2, 8);
  const headers = { authorization: `Bearer ${fault.token}` };
  const once = async (write: boolean) => {
    const id = fault.ids[sequence++ % fault.ids.length];
    const marker = write ? `fault-write-${run}-${sequence}` : undefined;
    const started = Date.now();
    let result: number | string;
    let retryAfter: string | null = null;
    try {
      const response = await fetch(
        `${target()}/api/registry/v1/people/${id}${write ? '/corrections' : ''}`,
        write
          ? {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify({ field: 'placeOfBirth', value: marker, reason: 'fault test' }),
              signal: AbortSignal.timeout(20_000),
            }
          : { headers, signal: AbortSignal.timeout(20_000) },
      );
      await response.arrayBuffer();
      result = response.status;
      retryAfter = response.headers.get('retry-after');
    } catch (error) {
      result = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    }
    outcomes.push({
      at: started,
      status: result,
      ms: Date.now() - started,
      retryAfter,
      ...(marker ? { marker } : {}),
    });
    // A refused connection answers at once: pace the retry as a real client would.
    if (result !== 200) await sleep(50);
  };
  const loop = async (write: boolean) => {
    while (running) await once(write);
  };
  const loops = [
    ...Array.from({ length: options.readers }, () => loop(false)),
    ...Array.from({ length: options.writers ?? 0 }, () => loop(true)),
  ];
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

/** Audit entries of person reads recorded after `afterId`. */
export async function personReadEntries(fault: FaultEnv, afterId: number): Promise<number> {
  const rows = await fault.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit.entry WHERE id > $1 AND action = 'registry.person.read'",
    [afterId],
  );
  return rows[0]?.n ?? 0;
}

export async function lastAuditId(fault: FaultEnv): Promise<number> {
  const rows = await fault.query<{ id: number | null }>('SELECT max(id)::int AS id FROM audit.entry');
  return rows[0]?.id ?? 0;
}

/** Markers of acknowledged corrections that the registry does not hold. */
export async function missingWrites(fault: FaultEnv, outcomes: Outcome[]): Promise<string[]> {
  const acknowledged = outcomes.filter((o) => o.marker && o.status === 200).map((o) => o.marker as string);
  const rows = await fault.query<{ data: string }>(
    "SELECT data::text AS data FROM registry.person_event WHERE type = 'field_corrected' AND data::text LIKE '%fault-write-%'",
  );
  const held = new Set(rows.flatMap((row) => row.data.match(/fault-write-[a-z0-9]+-\d+/g) ?? []));
  return acknowledged.filter((marker) => !held.has(marker));
}

/** Outcomes grouped by status, for messages. */
export function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[String(outcome.status)] = (counts[String(outcome.status)] ?? 0) + 1;
  return counts;
}
