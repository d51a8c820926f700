import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Finds the directory holding the given PostgreSQL programs: $DINHDANH_PG_BINDIR, Debian's
 * layout (newest version first, so a dump is never made by a client older than needed), then
 * `pg_config --bindir` (PATH). The test cluster and `dinhdanh db backup` share this lookup.
 */
export function findPostgresBinDir(
  programs: readonly string[] = ['initdb', 'pg_ctl', 'postgres'],
): string | undefined {
  const candidates: string[] = [];
  if (process.env.DINHDANH_PG_BINDIR) candidates.push(process.env.DINHDANH_PG_BINDIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) candidates.push(path.join(debian, version, 'bin'));
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  return candidates.find((dir) => programs.every((program) => existsSync(path.join(dir, program))));
}
