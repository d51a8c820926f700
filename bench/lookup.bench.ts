// Person lookup over HTTP (keep-alive, autocannon) and name + date-of-birth search, on a
// populated PostgreSQL. Used by registry.bench.ts; exported so it can run on any database.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@dinhdanh/db';
import { freePort } from '@dinhdanh/db/cluster';
import { fixedClock, foldVietnamese } from '@dinhdanh/kernel';
import { AdminUnits, defaultRules, issueOfficerToken, searchPeople } from '@dinhdanh/registry';
import autocannon from 'autocannon';
import { sql } from 'kysely';

async function waitFor(url: string, child: ChildProcess, seconds = 120): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${url}`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export interface HttpFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

async function load(
  url: string,
  paths: string[],
  headers: Record<string, string>,
  seconds: number,
  connections: number,
) {
  let i = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers,
    requests: [
      { method: 'GET', setupRequest: (request) => ({ ...request, path: paths[i++ % paths.length] }) },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx + result.errors,
  } satisfies HttpFigures;
}

/** Runs `rounds` measured rounds after a warm-up and keeps the median of each figure. */
async function measure(
  url: string,
  paths: string[],
  headers: Record<string, string>,
  options: { seconds: number; rounds: number; connections: number },
) {
  await load(url, paths, headers, 3, options.connections);
  const rounds: HttpFigures[] = [];
  for (let r = 0; r < options.rounds; r++)
    rounds.push(await load(url, paths, headers, options.seconds, options.connections));
  return {
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

export async function runLookupBench(options: {
  databaseUrl: string;
  seconds?: number;
  rounds?: number;
  connections?: number;
}) {
  const seconds = options.seconds ?? 10;
  const rounds = options.rounds ?? 3;
  const connections = options.connections ?? 32;
  const database = await openDatabase({ url: options.databaseUrl, poolSize: 4 });
  const units = await AdminUnits.load(database.db);
  const { rows: sample } = await sql<{ id_number: string; full_name: string; date_of_birth: string }>`
    SELECT id_number, full_name, date_of_birth FROM registry.person TABLESAMPLE SYSTEM (5) LIMIT 10000`.execute(
    database.db,
  );
  const { rows: countRows } = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM registry.person`.execute(database.db);
  const secret = randomBytes(32);
  const { token } = await issueOfficerToken(secret, units, {
    unit: 'VN',
    officerId: 'bench',
    ttlSeconds: 3600,
  });

  // dinhdanh's API in its own process, as deployed: with read auditing (production) and
  // without (the baseline the audit overhead is measured against), then the bare anchor.
  const keysDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-bench-keys-'));
  const startServer = async (auditReads: boolean) => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['apps/cli/bin/dinhdanh.js', 'serve', '--port', String(port), '--roles', 'registry,audit'],
      {
        env: {
          ...process.env,
          DATABASE_URL: options.databaseUrl,
          DINHDANH_LOG_LEVEL: 'warn',
          DINHDANH_OFFICER_TOKEN_SECRET: secret.toString('base64url'),
          DINHDANH_KEYS_DIR: keysDir,
          DINHDANH_DB_POOL_SIZE: '10',
          DINHDANH_AUDIT_READS: String(auditReads),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    await waitFor(`http://127.0.0.1:${port}/health`, child);
    return { child, base: `http://127.0.0.1:${port}` };
  };
  const anchorPort = await freePort();
  const anchor = spawn(process.execPath, ['bench/anchor-lookup-server.ts'], {
    env: { ...process.env, DATABASE_URL: options.databaseUrl, PORT: String(anchorPort) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const children: ChildProcess[] = [anchor];
  try {
    const paths = sample.map((row) => `/api/registry/v1/people/${row.id_number.trim()}`);
    const headers = { authorization: `Bearer ${token}` };
    const audited = await startServer(true);
    children.push(audited.child);
    const lookup = await measure(audited.base, paths, headers, { seconds, rounds, connections });
    audited.child.kill('SIGTERM');
    const plain = await startServer(false);
    children.push(plain.child);
    const lookupUnaudited = await measure(plain.base, paths, headers, { seconds, rounds, connections });
    plain.child.kill('SIGTERM');
    await waitFor(`http://127.0.0.1:${anchorPort}/x`, anchor);
    const anchorFigures = await measure(
      `http://127.0.0.1:${anchorPort}`,
      paths,
      {},
      {
        seconds,
        rounds,
        connections,
      },
    );

    // Name + date-of-birth search through the service function, and the bare SQL as its anchor.
    const ctx = {
      db: database.db,
      units,
      clock: fixedClock(new Date()),
      rules: defaultRules,
      audit: { subjectSecret: randomBytes(32), auditReads: false },
    };
    const searchTimes: number[] = [];
    const rawTimes: number[] = [];
    const queries = sample.slice(0, 2000);
    for (const row of queries.slice(0, 100))
      await searchPeople(ctx, { fullName: row.full_name, dateOfBirth: row.date_of_birth });
    for (const row of queries) {
      const t0 = performance.now();
      await searchPeople(ctx, { fullName: row.full_name, dateOfBirth: row.date_of_birth });
      searchTimes.push(performance.now() - t0);
    }
    for (const row of queries) {
      const t0 = performance.now();
      await sql`SELECT id_number, full_name, date_of_birth FROM registry.person
        WHERE name_key = ${foldVietnamese(row.full_name)} AND date_of_birth = ${row.date_of_birth} LIMIT 50`.execute(
        database.db,
      );
      rawTimes.push(performance.now() - t0);
    }
    const pct = (values: number[], p: number) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length * p)] ?? 0;
    return {
      people: countRows[0]?.n ?? 0,
      lookup,
      lookupUnaudited,
      lookupAnchor: anchorFigures,
      search: { p50Ms: pct(searchTimes, 0.5), p99Ms: pct(searchTimes, 0.99), queries: queries.length },
      searchAnchor: { p50Ms: pct(rawTimes, 0.5), p99Ms: pct(rawTimes, 0.99) },
    };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(keysDir, { recursive: true, force: true });
    await database.close();
  }
}
