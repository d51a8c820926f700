import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '@dinhdanh/kernel';
import { findPostgresBinDir } from '../postgres-bin.ts';

export interface PostgresTools {
  dir: string;
  pgDump: string;
  pgRestore: string;
  /** Major versions, from `--version`. */
  dumpVersion: number;
  restoreVersion: number;
}

/** pg_dump and pg_restore from the same lookup as the rest of the platform, with their versions. */
export function postgresTools(): PostgresTools {
  const dir = findPostgresBinDir(['pg_dump', 'pg_restore']);
  if (!dir)
    throw new AppError(
      'ERR_BACKUP_TOOL',
      'pg_dump and pg_restore were not found. Install the PostgreSQL client matching the server ' +
        '(Debian/Ubuntu: `apt-get install postgresql-client-<version>`) or set DINHDANH_PG_BINDIR to their folder.',
    );
  const pgDump = path.join(dir, 'pg_dump');
  const pgRestore = path.join(dir, 'pg_restore');
  return {
    dir,
    pgDump,
    pgRestore,
    dumpVersion: majorVersion(pgDump),
    restoreVersion: majorVersion(pgRestore),
  };
}

/** "pg_dump (PostgreSQL) 16.4 (Debian 16.4-1)" → 16. */
function majorVersion(program: string): number {
  const text = execFileSync(program, ['--version'], { encoding: 'utf8' });
  const major = Number(/\(PostgreSQL\)\s+(\d+)/.exec(text)?.[1]);
  if (!major)
    throw new AppError('ERR_BACKUP_TOOL', `cannot tell the version of ${program} from "${text.trim()}"`);
  return major;
}

/** server_version_num 160004 → 16 (the scheme of PostgreSQL ≥ 10). */
export function serverMajor(serverVersion: number): number {
  return Math.floor(serverVersion / 10_000);
}

/**
 * The connection for a libpq program: the URL without its password, which goes in PGPASSWORD
 * instead, so that it never shows in the process list.
 */
export function libpqConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return {
    dbname: parsed.toString(),
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
  };
}

/**
 * Runs pg_dump or pg_restore. `done` settles when the program has exited: it rejects with the
 * end of the program's stderr when the exit status is not 0 (even if the stream plumbing
 * failed first, the program's own words are the better explanation).
 */
export function runPostgresTool(
  program: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin?: Readable,
): { stdout: Readable; done: Promise<void> } {
  const child = spawn(program, args, { env, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  // A program that stops reading (it failed) makes the writer fail with EPIPE: the exit status says why.
  const fed = stdin && child.stdin ? pipeline(stdin, child.stdin).catch(() => {}) : Promise.resolve();
  const done = Promise.all([exited, fed]).then(([code]) => {
    if (code !== 0)
      throw new AppError(
        'ERR_BACKUP_FAILED',
        `${path.basename(program)} exited with status ${code}: ${stderr.trim() || '(no message)'}`,
      );
  });
  return { stdout: child.stdout!, done };
}
