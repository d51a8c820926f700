import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@dinhdanh/db/testing';

/** Where Debian's `nats-server` package puts the server. */
export const NATS_SERVER_BINARY = '/usr/sbin/nats-server';

export interface NatsServer {
  url: string;
  stop(): Promise<void>;
}

export const natsServerAvailable = () => existsSync(NATS_SERVER_BINARY);

const accepting = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/** A throwaway nats-server with JetStream on a free loopback port, its store in a temporary directory; tests only. */
export async function startNatsServer(): Promise<NatsServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-nats-'));
  const child: ChildProcess = spawn(
    NATS_SERVER_BINARY,
    ['--addr', '127.0.0.1', '--port', String(port), '--jetstream', '--store_dir', storeDir],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !(await accepting(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
