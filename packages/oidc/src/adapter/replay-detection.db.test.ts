import type { Database } from '@dinhdanh/db';
import { testDatabase } from '@dinhdanh/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../testing/redis-server.ts';
import { redisSeenBefore, type SeenBefore, sqlSeenBefore } from './replay-detection.ts';

// A client assertion or DPoP proof replayed at the same moment must be accepted once, not twice:
// the check and the record are one atomic step in each store.
function replayContract(
  name: string,
  setup: () => Promise<{ seenBefore: SeenBefore; close(): Promise<void> }>,
) {
  describe(name, () => {
    let store: Awaited<ReturnType<typeof setup>>;
    beforeAll(async () => {
      store = await setup();
    });
    afterAll(() => store?.close());

    it('accepts a proof once, even when twenty copies arrive together', async () => {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => store.seenBefore('jti-concurrent', 'rp-1', 60)),
      );
      expect(answers.filter((seen) => !seen)).toHaveLength(1);
      expect(await store.seenBefore('jti-concurrent', 'rp-1', 60)).toBe(true);
      expect(await store.seenBefore('jti-other', 'rp-1', 60)).toBe(false);
    });

    it('forgets a proof once it has expired', async () => {
      expect(await store.seenBefore('jti-short', 'rp-1', 1)).toBe(false);
      expect(await store.seenBefore('jti-short', 'rp-1', 1)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect(await store.seenBefore('jti-short', 'rp-1', 60)).toBe(false);
      expect(await store.seenBefore('jti-short', 'rp-1', 60)).toBe(true);
    });
  });
}

let database: Database;
replayContract('replay detection in SQL', async () => {
  database = await testDatabase();
  return { seenBefore: sqlSeenBefore(database.db), close: () => database.close() };
});

if (redisServerAvailable()) {
  let server: RedisServer;
  let redis: Redis;
  replayContract('replay detection in Redis', async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
    return {
      seenBefore: redisSeenBefore(redis, `test:${Date.now()}:`),
      close: async () => {
        redis.disconnect();
        await server.stop();
      },
    };
  });
} else {
  // Missing infrastructure fails rather than skips: `.ci/run` installs redis-server.
  it('replay detection in Redis needs /usr/bin/redis-server', () => {
    expect.fail('redis-server is not installed');
  });
}
