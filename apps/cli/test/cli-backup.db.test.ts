import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@dinhdanh/db';
import { createClusterDatabase, testDatabaseEnv, testDatabaseKind } from '@dinhdanh/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliBin, runCli } from './cli-runner.ts';

// The restore drill an operator rehearses, through the CLI: back up a platform with people and
// a checkpointed audit log, restore into a new database, prove the restored log and counts.

const kind = testDatabaseKind();
let source: Record<string, string>;
let cleanupSource: () => Promise<void>;
let work: string;
let keysDir: string;
let backupFile: string;

beforeAll(async () => {
  ({ env: source, cleanup: cleanupSource } = await testDatabaseEnv());
  work = mkdtempSync(path.join(tmpdir(), 'dinhdanh-backup-'));
  keysDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-keys-'));
  backupFile = path.join(work, 'drill.dinhdanh-backup');
});
afterAll(async () => {
  await cleanupSource();
  rmSync(work, { recursive: true, force: true });
  rmSync(keysDir, { recursive: true, force: true });
});

/** The CLI on a database; the key store is shared, as it is on the operator's machine. */
function cli(target: Record<string, string>, ...args: string[]) {
  return runCli({ ...target, DINHDANH_KEYS_DIR: keysDir }, args);
}

/** A new, empty database of this project's engine: a PGlite folder not yet created, or CREATE DATABASE. */
async function newTarget(): Promise<Record<string, string>> {
  if (kind === 'postgres')
    return {
      DATABASE_URL: await createClusterDatabase(
        inject('postgresUrl'),
        `dd_restore_${randomBytes(6).toString('hex')}`,
      ),
    };
  return { DINHDANH_DATA_DIR: path.join(work, `restored-${randomBytes(4).toString('hex')}`) };
}

interface Counts {
  people: number;
  personEvents: number;
  householdEvents: number;
  auditEntries: number;
  checkpoints: number;
  tables: number;
}

/** Counted straight from the database, not through the code under test. */
async function countRows(target: Record<string, string>): Promise<Counts> {
  const database = await openDatabase(
    target.DATABASE_URL ? { url: target.DATABASE_URL } : { dataDir: target.DINHDANH_DATA_DIR },
  );
  try {
    const rows = await database.bulk((session) =>
      session.query<Counts>(`
        SELECT (SELECT count(*) FROM pg_tables WHERE schemaname IN ('registry', 'audit'))::int AS tables,
               (SELECT count(*) FROM registry.person)::int AS "people",
               (SELECT count(*) FROM registry.person_event)::int AS "personEvents",
               (SELECT count(*) FROM registry.household_event)::int AS "householdEvents",
               (SELECT count(*) FROM audit.entry)::int AS "auditEntries",
               (SELECT count(*) FROM audit.checkpoint)::int AS "checkpoints"`),
    );
    return rows[0]!;
  } finally {
    await database.close();
  }
}

/** True when the target was left as created: no PGlite folder, or no tables of ours. */
async function untouched(target: Record<string, string>): Promise<boolean> {
  if (target.DINHDANH_DATA_DIR) return !existsSync(target.DINHDANH_DATA_DIR);
  const database = await openDatabase({ url: target.DATABASE_URL! });
  try {
    const rows = await database.bulk((session) =>
      session.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
      ),
    );
    return rows[0]!.n === 0;
  } finally {
    await database.close();
  }
}

describe(`dinhdanh db backup / restore (${kind})`, () => {
  let original: Counts;

  it('restore drill: a backup restored into a new database has every row, and its audit log verifies', async () => {
    const seeded = await cli(source, 'seed', '--people', '40', '--seed', '11');
    expect(seeded.code, seeded.stderr).toBe(0);
    // Audited reads, so the log has entries, then a signed checkpoint over them.
    const listed = await cli(source, 'person', 'list', '--limit', '3', '--json');
    for (const person of JSON.parse(listed.stdout).items as Array<{ idNumber: string }>)
      expect((await cli(source, 'person', 'show', person.idNumber)).code).toBe(0);
    const checkpoint = await cli(source, 'audit', 'checkpoint', '--json');
    expect(checkpoint.code, checkpoint.stderr).toBe(0);
    original = await countRows(source);
    expect(original.people).toBe(40);
    expect(original.auditEntries).toBeGreaterThanOrEqual(4);
    expect(original.checkpoints).toBeGreaterThanOrEqual(1);

    const backup = await cli(source, 'db', 'backup', backupFile, '--json');
    expect(backup.code, backup.stderr).toBe(0);
    const { manifest, bytes } = JSON.parse(backup.stdout);
    expect(manifest).toMatchObject({
      format: 'dinhdanh-backup',
      engine: kind,
      counts: {
        people: original.people,
        registryEvents: original.personEvents + original.householdEvents,
        auditEntries: original.auditEntries,
      },
    });
    expect(manifest.migrations).toContain('audit/0001_audit.sql');
    expect(readFileSync(backupFile).subarray(0, 18).toString()).toBe('dinhdanh-backup/1\n');
    expect(bytes).toBeGreaterThan(1_000);
    expect(readdirSync(work).filter((name) => name.endsWith('.partial'))).toEqual([]);

    const target = await newTarget();
    const restored = await cli(target, 'db', 'restore', backupFile);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`Công dân / People: ${original.people}\n`);
    expect(restored.stdout).toContain(
      `Bản ghi nhật ký kiểm toán / Audit entries: ${original.auditEntries}\n`,
    );
    expect(restored.stdout).toContain('dinhdanh audit verify');
    expect(await countRows(target)).toEqual(original);

    const verified = await cli(target, 'audit', 'verify', '--json');
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, checkedEntries: original.auditEntries });
  });

  it('refuses a file that is not a backup, or a damaged one, and touches nothing', async () => {
    const target = await newTarget();
    const notBackup = path.join(work, 'people.csv');
    writeFileSync(notBackup, 'idNumber,fullName\n001090000001,Nguyễn Văn A\n');
    const foreign = await cli(target, 'db', 'restore', notBackup);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain('ERR_BACKUP_INVALID');
    expect(foreign.stderr).toContain('does not start with the dinhdanh backup signature');

    const whole = readFileSync(backupFile);
    const truncated = path.join(work, 'truncated.dinhdanh-backup');
    writeFileSync(truncated, whole.subarray(0, whole.length - 1_000));
    const cut = await cli(target, 'db', 'restore', truncated);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain('the end marker is missing');

    const flipped = Buffer.from(whole);
    const at = Math.floor(flipped.length / 2);
    flipped[at] = flipped[at]! ^ 0xff;
    const damaged = path.join(work, 'damaged.dinhdanh-backup');
    writeFileSync(damaged, flipped);
    const bad = await cli(target, 'db', 'restore', damaged);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ERR_BACKUP_INVALID');
    expect(bad.stderr).toContain('checksum does not match');

    expect(await untouched(target)).toBe(true);
  });

  it('refuses a target that holds data unless --force, which keeps the old data aside', async () => {
    // The source moves on after the backup: 5 more people.
    expect((await cli(source, 'seed', '--people', '5', '--seed', '12')).code).toBe(0);
    const newer = await countRows(source);
    expect(newer.people).toBe(original.people + 5);

    const refused = await cli(source, 'db', 'restore', backupFile);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ERR_RESTORE_TARGET_NOT_EMPTY');
    expect(refused.stderr).toContain('--force');
    expect(await countRows(source)).toEqual(newer);

    const forced = await cli(source, 'db', 'restore', backupFile, '--force', '--json');
    expect(forced.code, forced.stderr).toBe(0);
    const result = JSON.parse(forced.stdout);
    expect(result.restored.counts.people).toBe(original.people);
    expect(await countRows(source)).toEqual(original);
    // The data that was replaced is still there, under the name the command printed.
    const aside = result.movedAsideTo as string;
    const asideTarget =
      kind === 'postgres'
        ? { DATABASE_URL: Object.assign(new URL(source.DATABASE_URL!), { pathname: `/${aside}` }).toString() }
        : { DINHDANH_DATA_DIR: aside };
    expect((await countRows(asideTarget)).people).toBe(newer.people);
    if (kind === 'pglite') rmSync(aside, { recursive: true, force: true });
  });

  it.runIf(kind === 'pglite')(
    'refuses to back up the embedded database while a server holds it',
    async () => {
      let server: ChildProcess | undefined;
      try {
        server = spawn(process.execPath, [cliBin, 'serve', '--port', '0'], {
          env: { ...process.env, ...source, DINHDANH_KEYS_DIR: keysDir, DINHDANH_LOG_LEVEL: 'silent' },
          stdio: 'ignore',
        });
        const lock = path.join(source.DINHDANH_DATA_DIR!, 'dinhdanh.lock');
        for (
          let waited = 0;
          !(existsSync(lock) && readFileSync(lock, 'utf8') === String(server.pid));
          waited++
        ) {
          expect(waited, 'the server did not take the lock').toBeLessThan(600);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const file = path.join(work, 'while-serving.dinhdanh-backup');
        const refused = await cli(source, 'db', 'backup', file);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('ERR_DATABASE_IN_USE');
        expect(refused.stderr).toContain(`held by process ${server.pid}`);
        expect(refused.stderr).toContain('stop it first');
        expect(existsSync(file)).toBe(false);
      } finally {
        if (server?.exitCode === null) {
          const exited = new Promise((resolve) => server?.once('exit', resolve));
          server.kill('SIGTERM');
          await exited;
        }
      }
    },
  );

  it.runIf(kind === 'postgres')('refuses to restore into a database that does not exist', async () => {
    const missing = Object.assign(new URL(source.DATABASE_URL!), { pathname: '/dd_no_such_database' });
    const refused = await cli({ DATABASE_URL: missing.toString() }, 'db', 'restore', backupFile);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ERR_NOT_FOUND');
    expect(refused.stderr).toContain('createdb dd_no_such_database');
  });

  it.runIf(kind === 'postgres')('says clearly when pg_dump is older than the server', async () => {
    const bin = path.join(work, 'old-client-bin');
    rmSync(bin, { recursive: true, force: true });
    mkdirSync(bin);
    for (const program of ['pg_dump', 'pg_restore']) {
      writeFileSync(path.join(bin, program), `#!/bin/sh\necho "${program} (PostgreSQL) 12.22"\n`);
      chmodSync(path.join(bin, program), 0o755);
    }
    const file = path.join(work, 'old-client.dinhdanh-backup');
    const refused = await runCli({ ...source, DINHDANH_KEYS_DIR: keysDir, DINHDANH_PG_BINDIR: bin }, [
      'db',
      'backup',
      file,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ERR_BACKUP_TOOL');
    expect(refused.stderr).toMatch(/pg_dump 12 .* is older than the server \(PostgreSQL \d+\)/);
    expect(existsSync(file)).toBe(false);
  });
});
