// The exchange's identity verification API as agencies use it: DPoP-bound JWT access token
// (client credentials at the platform's own provider), a fresh DPoP proof per request, a batched
// audit entry per check, random ID numbers over the whole registry. The server runs in its own
// process (`dinhdanh serve`); this process is the load generator on the same two cores.
//   - open loop: requests scheduled at a constant rate whatever the answers do; latency counts
//     from the scheduled time, so a stall shows in p99 instead of slowing the generator down;
//   - saturation: a closed loop with many requests in flight, completed requests per second.
// Proofs are signed before each timed window (they are valid for 60 s), so the generator's own
// signing does not compete with the server during the measurement.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Database, openDatabase } from '@dinhdanh/db';
import { freePort } from '@dinhdanh/db/cluster';
import { registerAgency } from '@dinhdanh/exchange';
import { jwsSigner, systemClock } from '@dinhdanh/kernel';
import { redisServerAvailable, startRedisServer } from '@dinhdanh/oidc/testing';
import { sql } from 'kysely';

const PURPOSE = {
  code: 'tax.registration',
  description: 'Đăng ký thuế (đo hiệu năng) / tax registration (benchmark)',
  legalBasis: 'Luật Quản lý thuế 38/2019/QH14',
  fields: ['idNumber', 'fullName', 'dateOfBirth', 'sex'] as (
    | 'idNumber'
    | 'fullName'
    | 'dateOfBirth'
    | 'sex'
  )[],
};

export interface OpenLoopFigures {
  rate: number;
  seconds: number;
  sent: number;
  completedPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
}

export interface SaturationFigures {
  inFlight: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface VerificationBenchResult {
  people: number;
  workers: number;
  sharedReplayStore: 'redis' | 'database' | 'memory';
  openLoop: OpenLoopFigures;
  saturation: SaturationFigures;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);

async function waitFor(url: string, child: ChildProcess, seconds = 180): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${url}`);
}

/** The agency's keys, its token, and proofs signed ahead for `count` requests. */
class AgencyCaller {
  readonly #clientKey: KeyObject;
  readonly #dpopKey: KeyObject;
  readonly #dpopJwk: Record<string, unknown>;
  readonly #dpopSigner: ReturnType<typeof jwsSigner>;
  token = '';
  readonly base: string;
  readonly agencyId: string;

  constructor(
    base: string,
    agencyId: string,
    keys: { clientKey: KeyObject; dpopKey: KeyObject; dpopJwk: Record<string, unknown> },
  ) {
    this.base = base;
    this.agencyId = agencyId;
    this.#clientKey = keys.clientKey;
    this.#dpopKey = keys.dpopKey;
    this.#dpopJwk = keys.dpopJwk;
    this.#dpopSigner = jwsSigner({ alg: 'ES256', key: this.#dpopKey }, { typ: 'dpop+jwt' });
  }

  #proof(method: string, url: string, extra: Record<string, unknown> = {}): string {
    return this.#dpopSigner.sign(
      { jti: randomUUID(), htm: method, htu: url, iat: Math.floor(Date.now() / 1000), ...extra },
      { jwk: this.#dpopJwk },
    );
  }

  /** Client credentials with private_key_jwt and DPoP, as any agency would do it. */
  async fetchToken(): Promise<void> {
    const tokenUrl = `${this.base}/oidc/token`;
    const now = Math.floor(Date.now() / 1000);
    const assertion = jwsSigner({ alg: 'ES256', key: this.#clientKey, kid: 'bench' }).sign({
      iss: this.agencyId,
      sub: this.agencyId,
      aud: this.base,
      jti: randomUUID(),
      iat: now,
      exp: now + 60,
    });
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: this.#proof('POST', tokenUrl) },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'exchange.verify',
        client_id: this.agencyId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    });
    const json = (await response.json()) as { access_token?: string; error?: string };
    if (!json.access_token) throw new Error(`token: ${JSON.stringify(json)}`);
    this.token = json.access_token;
  }

  proofs(count: number): string[] {
    const url = `${this.base}/api/exchange/v1/verifications`;
    const ath = createHash('sha256').update(this.token).digest('base64url');
    return Array.from({ length: count }, () => this.#proof('POST', url, { ath }));
  }
}

function post(agent: http.Agent, url: URL, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

type Body = () => string;

/** Constant arrival rate for `seconds`; latency from each request's scheduled time. */
async function openLoop(
  caller: AgencyCaller,
  body: Body,
  rate: number,
  seconds: number,
): Promise<OpenLoopFigures> {
  const total = rate * seconds;
  const proofs = caller.proofs(total);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const url = new URL(`${caller.base}/api/exchange/v1/verifications`);
  const authorization = `DPoP ${caller.token}`;
  const latencies = new Float64Array(total);
  let sent = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      while (sent < due) {
        const index = sent++;
        const scheduled = started + (index / rate) * 1000;
        inFlight.push(
          post(
            agent,
            url,
            { authorization, dpop: proofs[index]!, 'content-type': 'application/json' },
            body(),
          ).then((status) => {
            latencies[index] = performance.now() - scheduled;
            if (status !== 200) errors++;
          }),
        );
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = latencies.slice().sort();
  return {
    rate,
    seconds,
    sent,
    completedPerSecond: sent / elapsed,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    errors,
  };
}

/** A closed loop with `inFlight` requests outstanding; completed requests per second. */
async function saturation(
  caller: AgencyCaller,
  body: Body,
  inFlight: number,
  seconds: number,
  expectedRate: number,
): Promise<SaturationFigures> {
  const proofs = caller.proofs(Math.ceil(expectedRate * seconds * 1.5) + inFlight);
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const url = new URL(`${caller.base}/api/exchange/v1/verifications`);
  const authorization = `DPoP ${caller.token}`;
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline && next < proofs.length) {
      const proof = proofs[next++]!;
      const began = performance.now();
      const status = await post(
        agent,
        url,
        { authorization, dpop: proof, 'content-type': 'application/json' },
        body(),
      );
      latencies.push(performance.now() - began);
      if (status !== 200) errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    inFlight,
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    errors,
  };
}

/** Runs the verification API benchmark against a seeded, migrated database. */
export async function runVerificationBench(options: {
  databaseUrl: string;
  seconds?: number;
  rounds?: number;
  rate?: number;
  inFlight?: number;
  /** Server processes (`serve --workers`); with more than one, DPoP proof ids go through Redis. */
  workers?: number;
  log?: (line: string) => void;
}): Promise<VerificationBenchResult> {
  const workers = options.workers ?? 1;
  const seconds = options.seconds ?? 10;
  const rounds = options.rounds ?? 3;
  const rate = options.rate ?? 1_000;
  const inFlightTarget = options.inFlight ?? 64;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const database: Database = await openDatabase({ url: options.databaseUrl, poolSize: 2 });
  const { rows: sample } = await sql<{ id_number: string; full_name: string; date_of_birth: string | Date }>`
    SELECT id_number, full_name, date_of_birth FROM registry.person TABLESAMPLE SYSTEM (2) LIMIT 20000`.execute(
    database.db,
  );
  const { rows: count } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM registry.person`.execute(
    database.db,
  );
  const client = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dpop = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const agency = await registerAgency(
    { db: database.db, clock: systemClock },
    {
      name: 'Tổng cục Thuế (đo hiệu năng)',
      scopes: ['exchange.verify'],
      purposes: [PURPOSE],
      ratePerSecond: 100_000,
      quotaPerDay: 10_000_000_000,
      jwks: {
        keys: [{ ...client.publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256', use: 'sig' }],
      },
    },
  );
  await database.close();

  const keysDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-exchange-bench-'));
  const redis = workers > 1 && redisServerAvailable() ? await startRedisServer() : undefined;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(
    process.execPath,
    [
      // BENCH_CPU_PROF=dir: a CPU profile of the server, written when it stops.
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []),
      'apps/cli/bin/dinhdanh.js',
      'serve',
      '--port',
      String(port),
      '--roles',
      'registry,audit,idp,exchange',
      '--workers',
      String(workers),
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: options.databaseUrl,
        DINHDANH_MODE: 'development',
        DINHDANH_ISSUER: base,
        DINHDANH_LOG_LEVEL: 'warn',
        DINHDANH_KEYS_DIR: keysDir,
        DINHDANH_DB_POOL_SIZE: '10',
        ...(redis ? { REDIS_URL: redis.url } : {}),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    await waitFor(`${base}/health`, server);
    const caller = new AgencyCaller(base, agency.agencyId, {
      clientKey: client.privateKey,
      dpopKey: dpop.privateKey,
      dpopJwk: dpop.publicKey.export({ format: 'jwk' }) as Record<string, unknown>,
    });
    let i = 0;
    const body: Body = () => {
      i = (i * 7919 + 104_729) % sample.length;
      const person = sample[i]!;
      const dateOfBirth =
        typeof person.date_of_birth === 'string'
          ? person.date_of_birth.slice(0, 10)
          : person.date_of_birth.toISOString().slice(0, 10);
      return JSON.stringify({
        purpose: PURPOSE.code,
        idNumber: person.id_number.trim(),
        // Every other check carries a slightly misspelt name: the fuzzy path is measured too.
        fields: { fullName: i % 2 ? person.full_name : `${person.full_name}h`, dateOfBirth },
      });
    };

    // Warm-up (JIT, connection pools, the server's caches), then the measured rounds.
    await caller.fetchToken();
    await saturation(caller, body, inFlightTarget, 3, 3_000);
    const opens: OpenLoopFigures[] = [];
    const saturations: SaturationFigures[] = [];
    for (let round = 0; round < rounds; round++) {
      await caller.fetchToken();
      const open = await openLoop(caller, body, rate, seconds);
      log(
        `  open loop ${rate}/s: p50 ${open.p50Ms.toFixed(1)} ms, p99 ${open.p99Ms.toFixed(1)} ms, ${open.errors} errors`,
      );
      opens.push(open);
      await caller.fetchToken();
      const sat = await saturation(caller, body, inFlightTarget, seconds, 4_000);
      log(
        `  saturation: ${Math.round(sat.requestsPerSecond)} req/s, p99 ${sat.p99Ms.toFixed(1)} ms, ${sat.errors} errors`,
      );
      saturations.push(sat);
    }
    const pick = <T>(list: T[], key: (item: T) => number) => median(list.map(key));
    return {
      people: count[0]?.n ?? 0,
      workers,
      sharedReplayStore: workers === 1 ? 'memory' : redis ? 'redis' : 'database',
      openLoop: {
        rate,
        seconds,
        sent: pick(opens, (o) => o.sent),
        completedPerSecond: pick(opens, (o) => o.completedPerSecond),
        p50Ms: pick(opens, (o) => o.p50Ms),
        p99Ms: pick(opens, (o) => o.p99Ms),
        maxMs: pick(opens, (o) => o.maxMs),
        errors: opens.reduce((sum, o) => sum + o.errors, 0),
      },
      saturation: {
        inFlight: inFlightTarget,
        requestsPerSecond: pick(saturations, (s) => s.requestsPerSecond),
        p50Ms: pick(saturations, (s) => s.p50Ms),
        p99Ms: pick(saturations, (s) => s.p99Ms),
        errors: saturations.reduce((sum, s) => sum + s.errors, 0),
      },
    };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(keysDir, { recursive: true, force: true });
    await redis?.stop();
  }
}
