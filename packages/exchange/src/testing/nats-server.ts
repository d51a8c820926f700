import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, restartableServer } from '@dinhdanh/db/testing';

/** Where Debian's `nats-server` package puts the server. */
export const NATS_SERVER_BINARY = '/usr/sbin/nats-server';

export interface NatsServer {
  url: string;
  /** Stops the server, keeping its port and JetStream store, so `up()` brings the same server back. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export const natsServerAvailable = () => existsSync(NATS_SERVER_BINARY);

/** A throwaway nats-server with JetStream on a free loopback port, its store in a temporary directory; tests only. */
export async function startNatsServer(): Promise<NatsServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-nats-'));
  const { up, down } = restartableServer(port, () =>
    spawn(
      NATS_SERVER_BINARY,
      ['--addr', '127.0.0.1', '--port', String(port), '--jetstream', '--store_dir', storeDir],
      { stdio: 'ignore' },
    ),
  );
  await up();
  return {
    url: `nats://127.0.0.1:${port}`,
    down,
    up,
    stop: async () => {
      await down();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
