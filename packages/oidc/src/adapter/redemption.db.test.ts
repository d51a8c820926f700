import type { Database } from '@dinhdanh/db';
import { testDatabase } from '@dinhdanh/db/testing';
import { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../testing/redis-server.ts';
import { RedisAdapter } from './redis-adapter.ts';
import { SqlAdapter } from './sql-adapter.ts';

// An authorization code presented twice at once must give tokens once: reading it at the token
// endpoint redeems it in the same store operation, so the second reader sees it consumed (and
// oidc-provider then revokes the whole grant).
function redemptionContract(name: string, setup: () => Promise<{ codes: Adapter; close(): Promise<void> }>) {
  describe(name, () => {
    let store: Awaited<ReturnType<typeof setup>>;
    beforeAll(async () => {
      store = await setup();
    });
    afterAll(() => store?.close());

    it('lets exactly one of twenty concurrent readers redeem a code', async () => {
      await store.codes.upsert('code-1', { kind: 'AuthorizationCode', grantId: 'g-1', clientId: 'rp' }, 60);
      const reads = await Promise.all(Array.from({ length: 20 }, () => store.codes.find('code-1')));
      expect(reads.every((payload) => payload?.clientId === 'rp')).toBe(true);
      expect(reads.filter((payload) => !payload?.consumed)).toHaveLength(1);
      await store.codes.consume('code-1');
      expect((await store.codes.find('code-1'))?.consumed).toBeGreaterThan(0);
    });

    it('finds nothing for an unknown code', async () => {
      expect(await store.codes.find('no-such-code')).toBeUndefined();
    });
  });
}

let database: Database;
redemptionContract('authorization codes in SQL', async () => {
  database = await testDatabase();
  return { codes: new SqlAdapter('AuthorizationCode', database.db), close: () => database.close() };
});

if (redisServerAvailable()) {
  let server: RedisServer;
  let redis: Redis;
  redemptionContract('authorization codes in Redis', async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
    return {
      codes: new RedisAdapter('AuthorizationCode', redis, `test:${Date.now()}:`),
      close: async () => {
        redis.disconnect();
        await server.stop();
      },
    };
  });
} else {
  // Missing infrastructure fails rather than skips: `.ci/run` installs redis-server.
  it('authorization codes in Redis need /usr/bin/redis-server', () => {
    expect.fail('redis-server is not installed');
  });
}
