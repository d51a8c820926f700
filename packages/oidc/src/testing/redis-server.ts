import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort, restartableServer } from '@dinhdanh/db/testing';

export const REDIS_SERVER_BINARY = '/usr/bin/redis-server';

export interface RedisServer {
  url: string;
  /** Fault tests: stops the server, keeping its port, so `up()` brings it back (empty: no persistence). */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export const redisServerAvailable = () => existsSync(REDIS_SERVER_BINARY);

/** A throwaway redis-server on a free loopback port, without persistence; tests only. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const { up, down } = restartableServer(port, () =>
    spawn(
      REDIS_SERVER_BINARY,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    ),
  );
  await up();
  return { url: `redis://127.0.0.1:${port}`, down, up, stop: down };
}
