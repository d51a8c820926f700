import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@dinhdanh/db';
import { testDatabaseEnv, testDatabaseKind } from '@dinhdanh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.ts';

let env: Record<string, string>;
let cleanup: () => Promise<void>;
let keysDir: string;

beforeAll(async () => {
  ({ env, cleanup } = await testDatabaseEnv());
  keysDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-keys-'));
});
afterAll(async () => {
  await cleanup();
  rmSync(keysDir, { recursive: true, force: true });
});

/** Runs the CLI as a user would; resolves with stdout, stderr and the exit status. */
function cli(...args: string[]) {
  return runCli({ ...env, DINHDANH_KEYS_DIR: keysDir }, args);
}

describe(`dinhdanh CLI (${testDatabaseKind()})`, () => {
  it('decodes ID numbers, and exits 1 with the reason for an invalid one', async () => {
    const ok = await cli('id', 'decode', '087084000999', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      provinceCode: '087',
      provinceName: 'Đồng Tháp',
      sex: 'male',
      birthYear: 1984,
    });
    const bad = await cli('id', 'decode', '08708400099');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('wrong_length');
    // Bilingual, as the output is.
    expect(bad.stderr).toContain('Số định danh phải có đúng 12 chữ số');
    expect(bad.stderr).toContain('The personal identification number is invalid');
  });

  it('issues an officer token for a real unit and refuses an unknown one', async () => {
    const ok = await cli('officer', 'token', '--unit', '00004', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).officer.unit).toEqual({
      code: '00004',
      level: 'commune',
      name: 'Phường Ba Đình',
    });
    const bad = await cli('officer', 'token', '--unit', '99999');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ERR_ADMIN_UNIT_UNKNOWN');
  });

  it('seeds a population, then shows, searches, lists and exports it', async () => {
    const seeded = await cli('seed', '--people', '300', '--seed', '7');
    expect(seeded.code, seeded.stderr).toBe(0);
    const list = await cli('person', 'list', '--limit', '5', '--json');
    const items = JSON.parse(list.stdout).items;
    expect(items).toHaveLength(5);
    const first = items[0];
    for (const key of [
      'idNumber',
      'fullName',
      'dateOfBirth',
      'sex',
      'ethnicity',
      'religion',
      'placeOfOrigin',
      'permanentAddress',
      'householdId',
      'relationToHead',
      'fatherIdNumber',
      'motherIdNumber',
      'spouseIdNumber',
      'dateOfDeath',
    ])
      expect(first).toHaveProperty(key);

    const shown = JSON.parse((await cli('person', 'show', first.idNumber, '--json')).stdout);
    expect(shown).toEqual(first);
    const found = JSON.parse(
      (await cli('person', 'search', '--name', first.fullName, '--dob', first.dateOfBirth, '--json')).stdout,
    );
    expect(found.items.map((p: { idNumber: string }) => p.idNumber)).toContain(first.idNumber);

    const missing = await cli('person', 'show', '001090999999');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ERR_PERSON_NOT_FOUND');

    const dir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-export-'));
    try {
      const out = path.join(dir, 'people.ndjson');
      expect((await cli('person', 'export', '--out', out)).code).toBe(0);
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(300);
      expect(JSON.parse(lines[0]!).idNumber).toBe(first.idNumber);
      const csv = path.join(dir, 'people.csv');
      expect((await cli('person', 'export', '--format', 'csv', '--out', csv)).code).toBe(0);
      const csvLines = readFileSync(csv, 'utf8').trim().split('\n');
      expect(csvLines[0]).toMatch(/^idNumber,oldIdNumber,fullName,dateOfBirth,sex/);
      expect(csvLines).toHaveLength(301);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checkpoints and verifies the audit log, and detects an altered entry', async () => {
    const person = JSON.parse((await cli('person', 'list', '--limit', '1', '--json')).stdout).items[0];
    expect((await cli('person', 'show', person.idNumber)).code).toBe(0);
    const checkpoint = await cli('audit', 'checkpoint', '--json');
    expect(checkpoint.code, checkpoint.stderr).toBe(0);
    expect(JSON.parse(checkpoint.stdout).note).toMatch(/^dinhdanh\.local\/audit\n\d+\n/);
    const ok = await cli('audit', 'verify', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true });
    const proof = await cli('audit', 'proof', '1', '--json');
    expect(JSON.parse(proof.stdout).verified).toBe(true);

    // Tamper as a superuser would, bypassing the append-only triggers, then verify again.
    const database = await openDatabase(
      env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.DINHDANH_DATA_DIR },
    );
    try {
      await database.bulk(async (session) => {
        await session.exec('ALTER TABLE audit.entry DISABLE TRIGGER ALL');
        await session.exec("UPDATE audit.entry SET purpose = 'changed' WHERE id = 1");
        await session.exec('ALTER TABLE audit.entry ENABLE TRIGGER ALL');
      });
    } finally {
      await database.close();
    }
    const bad = await cli('audit', 'verify');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('AUDIT LOG TAMPERED');
  });

  it('shows the development SMS outbox, newest last, and refuses it in production', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-outbox-'));
    try {
      const outbox = path.join(dataDir, 'dev-outbox.ndjson');
      const lines = ['111111', '222222', '333333'].map((code, i) =>
        JSON.stringify({
          to: `090000000${i}`,
          text: `Mã xác thực dinhdanh: ${code}`,
          sentAt: `2026-11-23T03:0${i}:00Z`,
        }),
      );
      writeFileSync(outbox, `${lines.join('\n')}\n`);
      // The outbox sits beside the PGlite data directory (packages/identity devOutboxFile).
      const viaEnv = await runCli(
        { ...env, DINHDANH_KEYS_DIR: keysDir, DINHDANH_DATA_DIR: path.join(dataDir, 'pg') },
        ['dev', 'outbox', '--json', '--last', '2'],
      );
      expect(viaEnv.code, viaEnv.stderr).toBe(0);
      const { items } = JSON.parse(viaEnv.stdout) as { items: Array<{ text: string }> };
      expect(items.map((m) => m.text.slice(-6))).toEqual(['222222', '333333']);
      // A complete production configuration, so what refuses is the command itself, not the config.
      const production = await runCli(
        {
          ...env,
          DINHDANH_MODE: 'production',
          DATABASE_URL: 'postgres://dinhdanh@127.0.0.1:1/unused',
          DINHDANH_OFFICER_TOKEN_SECRET: 'x'.repeat(43),
          DINHDANH_SMS_GATEWAY: 'http',
          DINHDANH_SMS_GATEWAY_URL: 'https://sms.example.vn/send',
          DINHDANH_BIOMETRIC_MATCHER: 'http',
          DINHDANH_BIOMETRIC_MATCHER_URL: 'https://matcher.example.vn/',
        },
        ['dev', 'outbox'],
      );
      expect(production.code).toBe(1);
      expect(production.stderr).toContain('ERR_VALIDATION');
      expect(production.stderr).toContain('the development outbox exists only');
      expect(production.stderr).not.toContain('ERR_CONFIG_INVALID');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('provisions keys idempotently and rotates the checkpoint key, keeping old checkpoints verifiable', async () => {
    const first = await cli('keys', 'init');
    expect(first.code, first.stderr).toBe(0);
    expect((await cli('keys', 'init')).stdout).toBe(first.stdout);
    const rotated = await cli('keys', 'rotate', 'audit-checkpoint');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).not.toContain(first.stdout.trim().split('\n').at(-1));
    expect((await cli('keys', 'rotate', 'officer-token')).code).toBe(1);
    const oidc = await cli('keys', 'rotate', 'oidc');
    expect(oidc.code, oidc.stderr).toBe(0);
    expect(oidc.stdout).toMatch(/new kids: es256-\S+, ps256-\S+/);
  });

  it('rejects bad options with a clear message', async () => {
    const result = await cli('person', 'export', '--format', 'xml');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--format must be ndjson or csv');
  });
});
