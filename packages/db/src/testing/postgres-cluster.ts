import { type ChildProcess, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findPostgresBinDir } from '../postgres-bin.ts';

export { findPostgresBinDir };

export const POSTGRES_MISSING_MESSAGE =
  'PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. The test suite runs every database test ' +
  'against a real PostgreSQL too. Install them with `apt-get install -y postgresql` (Debian/Ubuntu) or set ' +
  'DINHDANH_PG_BINDIR to the directory that holds initdb and pg_ctl.';

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Waits until something accepts TCP connections on the loopback port (up to `ms`); tests only. */
export async function waitForPort(port: number, ms = 5_000): Promise<boolean> {
  const accepting = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (await accepting()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/**
 * A test server (redis-server, nats-server) that can be taken down and brought back on the same
 * port, as fault tests need: `up()` starts it and waits for its port, `down()` stops it.
 */
export function restartableServer(
  port: number,
  start: () => ChildProcess,
): { up(): Promise<void>; down(): Promise<void> } {
  let child: ChildProcess | undefined;
  return {
    async up() {
      child = start();
      await waitForPort(port);
    },
    down: () =>
      new Promise<void>((resolve) => {
        const running = child;
        child = undefined;
        if (!running || running.exitCode !== null || running.signalCode !== null) return resolve();
        running.once('exit', () => resolve());
        running.kill('SIGTERM');
      }),
  };
}

export interface PostgresCluster {
  url: string;
  port: number;
  /** Fault tests: stops the server (`fast` ends sessions, as a failover or maintenance does). */
  halt(mode?: 'fast' | 'immediate'): void;
  /** Fault tests: starts a halted server again on the same port and data. */
  resume(): void;
  /** Stops the server for good and removes its files. */
  stop(): void;
}

/**
 * Starts a throwaway PostgreSQL cluster on a temp dir and a free loopback port. PostgreSQL
 * refuses to run as root, so as root it runs as the `postgres` user.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bindir = findPostgresBinDir();
  if (!bindir) throw new Error(POSTGRES_MISSING_MESSAGE);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-pg-'));
  const dataDir = path.join(dir, 'data');
  const run = (command: string, args: string[]) => {
    const file = path.join(bindir, command);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { stdio: 'pipe' });
    else execFileSync(file, args, { stdio: 'pipe' });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  run('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'postgresql.auto.conf.extra'),
    '', // placeholder so the directory listing shows this cluster is ours
  );
  const options = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${dir}'`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
    '-c shared_buffers=256MB',
  ].join(' ');
  const start = () =>
    run('pg_ctl', [
      '-D',
      dataDir,
      '-o',
      options,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  start();
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    halt(mode = 'fast') {
      run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
    },
    resume: start,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        // A server a fault test left halted has no postmaster.pid: nothing to stop.
        if (existsSync(path.join(dataDir, 'postmaster.pid')))
          run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Creates a database on a running server (dropping one of that name first; optionally from a
 * template) and returns its URL.
 */
export async function createClusterDatabase(
  serverUrl: string,
  name: string,
  template?: string,
): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name) || (template && !/^[a-z_][a-z0-9_]*$/.test(template)))
    throw new Error(`invalid database name ${name}`);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
