// Fault injection against a real PostgreSQL: the platform must ride out a restart, a locked table,
// a start while the database is down, and (with --workers) a killed worker, losing nothing it
// acknowledged and recording exactly one audit entry per answered read.
import { findPostgresBinDir } from '@dinhdanh/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FaultEnv,
  faultEnvironment,
  lastAuditId,
  missingWrites,
  type Outcome,
  personReadEntries,
  type ServerProcess,
  sleep,
  startServer,
  status,
  steadyLoad,
  tally,
  waitFor,
} from './fault-harness.ts';

// Short deadlines keep the test quick: statements 2 s, locks 1 s, pool waits 2 s.
const DEADLINE_MS = 2_000;
const fastDeadlines = { DINHDANH_REQUEST_DEADLINE_MS: String(DEADLINE_MS) };

const reads = (outcomes: Outcome[]) => outcomes.filter((outcome) => !outcome.marker);
const firstOkAfter = (outcomes: Outcome[], time: number) =>
  outcomes.filter((o) => o.at >= time && o.status === 200).sort((a, b) => a.at - b.at)[0];

/** The process never died and never reported an error nobody handled. */
function expectSurvived(server: ServerProcess) {
  expect(server.child.exitCode).toBeNull();
  expect(server.child.signalCode).toBeNull();
  expect(server.stderr()).not.toMatch(/Unhandled|uncaught|ERR_UNHANDLED_ERROR|"level":60/i);
}

describe.skipIf(!findPostgresBinDir())('database faults (real PostgreSQL)', () => {
  let fault: FaultEnv;
  beforeAll(async () => {
    fault = await faultEnvironment();
  }, 120_000);
  afterAll(async () => fault?.cleanup());

  it('a restart under steady load: 503 while it is away, 200 within seconds after, nothing lost, one audit entry per answered read', async () => {
    const server = await startServer(fault.env, { extraEnv: fastDeadlines });
    try {
      const auditBefore = await lastAuditId(fault);
      const load = steadyLoad(() => server.url, fault, { readers: 6, writers: 2 });
      await sleep(1_500);
      const haltedAt = Date.now();
      fault.cluster.halt('fast');
      await sleep(3_000);
      fault.cluster.resume();
      const resumedAt = Date.now();
      const recovered = await waitFor(
        async () => firstOkAfter(load.outcomes, resumedAt) !== undefined,
        20_000,
      );
      await sleep(1_500);
      const outcomes = await load.stop();

      expectSurvived(server);
      expect(recovered).toBe(true);
      // Only two answers, ever: served, or 503 with Retry-After. No 500, no refused connection, no hang.
      expect(tally(outcomes)).toEqual({ 200: expect.any(Number), 503: expect.any(Number) });
      const unavailable = outcomes.filter((o) => o.status === 503);
      expect(unavailable.length).toBeGreaterThan(0);
      expect(unavailable.every((o) => o.retryAfter === '2')).toBe(true);
      expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(DEADLINE_MS + 3_000);
      const outage = outcomes.filter((o) => o.at > haltedAt + 500 && o.at < resumedAt);
      expect(outage.filter((o) => o.status === 503).length).toBeGreaterThan(outage.length * 0.9);
      const secondsToRecover = ((firstOkAfter(outcomes, resumedAt)?.at ?? Infinity) - resumedAt) / 1000;
      expect(secondsToRecover).toBeLessThan(10);
      const settled = outcomes.filter((o) => o.at > resumedAt + secondsToRecover * 1000 + 500);
      expect(settled.length).toBeGreaterThan(0);
      expect(settled.every((o) => o.status === 200)).toBe(true);

      expect(await missingWrites(fault, outcomes)).toEqual([]);
      const answeredReads = reads(outcomes).filter((o) => o.status === 200).length;
      expect(await personReadEntries(fault, auditBefore)).toBe(answeredReads);
      process.stdout.write(
        `restart under load: ${JSON.stringify(tally(outcomes))}, first 200 ${secondsToRecover.toFixed(2)} s after the database returned\n`,
      );
    } finally {
      await server.stop();
    }
  });

  it('connections ended by the server again and again under load (pg_terminate_backend): the process survives, nothing acknowledged is lost', async () => {
    const server = await startServer(fault.env, { extraEnv: fastDeadlines });
    try {
      const load = steadyLoad(() => server.url, fault, { readers: 4, writers: 4 });
      await sleep(500);
      // Each round ends every connection of the server mid-work: some idle in the pool, some
      // checked out between two statements of a transaction — the case that once killed the process.
      for (let round = 0; round < 15; round++) {
        await fault.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'dinhdanh:%'",
        );
        await sleep(150);
      }
      await sleep(1_000);
      const outcomes = await load.stop();
      expectSurvived(server);
      // Served, or 503 with Retry-After: never a 500 or a dropped connection.
      expect(Object.keys(tally(outcomes)).every((key) => key === '200' || key === '503')).toBe(true);
      expect(outcomes.at(-1)?.status).toBe(200);
      expect(await missingWrites(fault, outcomes)).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('a locked table: requests answer 503 within their deadline, succeed once it is released, and leave nothing half-written', async () => {
    const server = await startServer(fault.env, { extraEnv: fastDeadlines });
    const locker = new pg.Client({ connectionString: fault.databaseUrl });
    await locker.connect();
    try {
      const auditBefore = await lastAuditId(fault);
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE registry.person IN ACCESS EXCLUSIVE MODE');
      const load = steadyLoad(() => server.url, fault, { readers: 4, writers: 1 });
      await sleep(4_000);
      const releasedAt = Date.now();
      await locker.query('COMMIT');
      const recovered = await waitFor(
        async () => firstOkAfter(load.outcomes, releasedAt) !== undefined,
        10_000,
      );
      await sleep(1_000);
      const outcomes = await load.stop();

      expectSurvived(server);
      expect(recovered).toBe(true);
      const whileLocked = outcomes.filter((o) => o.at + o.ms < releasedAt);
      expect(whileLocked.length).toBeGreaterThan(3);
      expect(whileLocked.every((o) => o.status === 503 && o.retryAfter === '2')).toBe(true);
      // Within the deadline (the lock timeout is half of it), plus scheduling slack.
      expect(Math.max(...whileLocked.map((o) => o.ms))).toBeLessThan(DEADLINE_MS + 1_000);
      // Refused writes wrote nothing; acknowledged ones are all there.
      const refusedWrites = whileLocked.filter((o) => o.marker).map((o) => o.marker);
      expect(refusedWrites.length).toBeGreaterThan(0);
      const held = await fault.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM registry.person_event WHERE data::text LIKE ANY($1::text[])',
        [refusedWrites.map((marker) => `%"${marker}"%`)],
      );
      expect(held[0]?.n).toBe(0);
      expect(await missingWrites(fault, outcomes)).toEqual([]);
      expect(await personReadEntries(fault, auditBefore)).toBe(
        reads(outcomes).filter((o) => o.status === 200).length,
      );
      const waits = whileLocked.map((o) => o.ms).sort((a, b) => a - b);
      process.stdout.write(
        `locked table: ${whileLocked.length} requests answered 503 in ${waits[0]}–${waits.at(-1)} ms (median ${waits[Math.floor(waits.length / 2)]} ms); first 200 ${(((firstOkAfter(outcomes, releasedAt)?.at ?? 0) - releasedAt) / 1000).toFixed(2)} s after release\n`,
      );
    } finally {
      await locker.end().catch(() => {});
      await server.stop();
    }
  });

  it('starts while the database is down: alive, not ready, 503; migrates and serves once it is up', async () => {
    fault.cluster.halt('fast');
    let server: ServerProcess | undefined;
    try {
      server = await startServer(fault.env, { extraEnv: fastDeadlines, waitReady: false });
      const url = server.url;
      expect(await waitFor(async () => (await status(`${url}/health/live`)) === 200, 30_000)).toBe(true);
      expect(await status(`${url}/health/ready`)).toBe(503);
      expect(await status(`${url}/api/registry/v1/people/${fault.ids[0]}`)).toBe(503);
      await sleep(2_000);
      expect(await status(`${url}/health/ready`)).toBe(503);
      fault.cluster.resume();
      expect(await waitFor(async () => (await status(`${url}/health/ready`)) === 200, 30_000)).toBe(true);
      expect(
        await status(`${url}/api/registry/v1/people/${fault.ids[0]}`, {
          headers: { authorization: `Bearer ${fault.token}` },
        }),
      ).toBe(200);
      expectSurvived(server);
    } finally {
      await server?.stop();
    }
  });

  it('serve --workers 2: both workers ride out a restart; a worker killed during writes is replaced and no acknowledged write is lost', async () => {
    const server = await startServer(fault.env, { workers: 2, extraEnv: fastDeadlines });
    try {
      const workers = server.workerPids();
      expect(workers).toHaveLength(2);

      const load = steadyLoad(() => server.url, fault, { readers: 4, writers: 2 });
      await sleep(1_000);
      fault.cluster.halt('fast');
      await sleep(3_000);
      fault.cluster.resume();
      const resumedAt = Date.now();
      expect(await waitFor(async () => firstOkAfter(load.outcomes, resumedAt) !== undefined, 20_000)).toBe(
        true,
      );
      await sleep(1_500);
      // The same two processes, each with connections again (it served requests after the restart).
      expect(server.workerPids().sort()).toEqual([...workers].sort());
      const serving = await fault.query<{ name: string }>(
        "SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE application_name LIKE 'dinhdanh:%'",
      );
      for (const pid of workers) expect(serving.map((row) => row.name)).toContain(`dinhdanh:${pid}`);

      // kill -9 one worker in the middle of writes.
      const killed = workers[0] as number;
      const killedAt = Date.now();
      process.kill(killed, 'SIGKILL');
      const replaced = await waitFor(async () => {
        const now = server.workerPids();
        return now.length === 2 && !now.includes(killed);
      }, 30_000);
      expect(replaced).toBe(true);
      const replacedAt = Date.now();
      await waitFor(async () => (await status(`${server.url}/health/ready`)) === 200, 30_000);
      await sleep(2_000);
      const outcomes = await load.stop();

      expect(server.child.exitCode).toBeNull();
      expect(server.stderr()).toContain(`worker ${killed} exited (SIGKILL)`);
      expect(await missingWrites(fault, outcomes)).toEqual([]);
      const late = outcomes.filter((o) => o.at > replacedAt + 1_000);
      expect(late.length).toBeGreaterThan(0);
      expect(late.every((o) => o.status === 200)).toBe(true);
      // Only the killed worker's in-flight requests may have failed, with a dropped connection:
      // at most one per client loop (6), each loop's next request going to the living worker.
      const failed = outcomes.filter((o) => o.status !== 200 && o.status !== 503);
      expect(failed.length).toBeLessThanOrEqual(6);
      expect(failed.every((o) => o.at < replacedAt)).toBe(true);
      process.stdout.write(
        `workers: both back after the restart; kill -9 → replacement forked in ${((replacedAt - killedAt) / 1000).toFixed(1)} s, ${failed.length} requests lost with the killed worker's connections (not acknowledged), ${JSON.stringify(tally(outcomes))}\n`,
      );

      // A replacement that starts while the database is down waits for it instead of exiting.
      fault.cluster.halt('fast');
      const [second] = server.workerPids();
      process.kill(second as number, 'SIGKILL');
      // One snapshot per check: two pgrep calls could see a dying worker once and miss it once.
      const replacedWhileDown = async () => {
        const now = server.workerPids();
        return now.length === 2 && !now.includes(second as number);
      };
      expect(await waitFor(replacedWhileDown, 30_000)).toBe(true);
      const during = server.workerPids();
      await sleep(3_000);
      expect(server.workerPids().sort()).toEqual([...during].sort());
      expect(server.stderr().match(/exited \(/g)).toHaveLength(2);
      fault.cluster.resume();
      expect(await waitFor(async () => (await status(`${server.url}/health/ready`)) === 200, 30_000)).toBe(
        true,
      );
      // Ready is one worker's answer; the replacement retries the database with back-off (up to
      // 10 s between tries) and answers 503 until then. Both serve within seconds.
      const headers = { authorization: `Bearer ${fault.token}` };
      const allServed = async () =>
        (
          await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              status(`${server.url}/api/registry/v1/people/${fault.ids[i]}`, { headers }),
            ),
          )
        ).every((answer) => answer === 200);
      expect(await waitFor(allServed, 30_000)).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
