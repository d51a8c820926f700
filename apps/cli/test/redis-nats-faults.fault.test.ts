// Redis and NATS restarting under load: the process survives both; while Redis is away the
// process reports itself unready (the provider's short-lived state lives there) yet keeps serving
// what does not need it; while NATS is away events wait in the outbox and are all published after.
import { findPostgresBinDir } from '@dinhdanh/db/testing';
import { natsServerAvailable, startNatsServer } from '@dinhdanh/exchange/testing';
import { redisServerAvailable, startRedisServer } from '@dinhdanh/oidc/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FaultEnv,
  faultEnvironment,
  missingWrites,
  sleep,
  startServer,
  steadyLoad,
  tally,
  waitFor,
} from './fault-harness.ts';

const readiness = async (url: string) => {
  const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
};

describe.skipIf(!findPostgresBinDir() || !redisServerAvailable() || !natsServerAvailable())(
  'Redis and NATS faults',
  () => {
    let fault: FaultEnv;
    beforeAll(async () => {
      fault = await faultEnvironment({ people: 200 });
    }, 120_000);
    afterAll(async () => fault?.cleanup());

    it('restarts of Redis and of NATS under load: the process survives, reads keep being served, every event reaches JetStream', async () => {
      const redis = await startRedisServer();
      const nats = await startNatsServer();
      const server = await startServer(fault.env, {
        extraEnv: { REDIS_URL: redis.url, NATS_URL: nats.url, DINHDANH_REQUEST_DEADLINE_MS: '2000' },
      });
      try {
        const load = steadyLoad(() => server.url, fault, { readers: 3, writers: 2 });
        await sleep(1_000);

        // Redis away: not ready (and says why), but registry reads do not need it.
        const redisDownAt = Date.now();
        await redis.down();
        expect(await waitFor(async () => (await readiness(server.url)).status === 503, 10_000)).toBe(true);
        expect((await readiness(server.url)).body.checks.redis).toBe('unavailable');
        await sleep(1_000);
        await redis.up();
        const redisUpAt = Date.now();
        expect(await waitFor(async () => (await readiness(server.url)).status === 200, 15_000)).toBe(true);
        const duringRedisOutage = load.outcomes.filter((o) => o.at > redisDownAt && o.at + o.ms < redisUpAt);
        expect(duringRedisOutage.length).toBeGreaterThan(0);
        expect(tally(duringRedisOutage)).toEqual({ 200: duringRedisOutage.length });

        // NATS away: still ready (events wait in the outbox), reported as degraded.
        await nats.down();
        expect(
          await waitFor(async () => (await readiness(server.url)).body.checks.nats === 'degraded', 15_000),
        ).toBe(true);
        expect((await readiness(server.url)).status).toBe(200);
        await nats.up();
        await sleep(1_500);
        const outcomes = await load.stop();

        expect(server.child.exitCode).toBeNull();
        expect(server.stderr()).not.toMatch(/Unhandled|uncaught/i);
        expect(tally(outcomes)).toEqual({ 200: outcomes.length });
        expect(await missingWrites(fault, outcomes)).toEqual([]);

        // Every event recorded reaches the stream once NATS is back (the publisher backs off up to a minute).
        const events = async () =>
          (await fault.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange.event'))[0]?.n ?? 0;
        const acknowledgedWrites = outcomes.filter((o) => o.marker && o.status === 200).length;
        // The follower turns registry changes into events about once a second.
        expect(await waitFor(async () => (await events()) >= acknowledgedWrites, 30_000)).toBe(true);
        const connection = await connect({ servers: nats.url });
        try {
          const jsm = await jetstreamManager(connection);
          const streamed = async () => (await jsm.streams.info('DINHDANH_EVENTS')).state.messages;
          const natsBackAt = Date.now();
          expect(await waitFor(async () => (await streamed()) === (await events()), 90_000)).toBe(true);
          process.stdout.write(
            `redis/nats: ${JSON.stringify(tally(outcomes))} during both restarts; ${await events()} events all in JetStream ${((Date.now() - natsBackAt) / 1000).toFixed(1)} s after the load stopped\n`,
          );
        } finally {
          await connection.close();
        }
      } finally {
        await server.stop();
        await redis.stop();
        await nats.stop();
      }
    });
  },
);
