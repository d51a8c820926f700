import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@dinhdanh/db';
import { testDatabaseEnv, testDatabaseKind } from '@dinhdanh/db/testing';
import { registerAgency } from '@dinhdanh/exchange';
import { systemClock } from '@dinhdanh/kernel';
import { seedPopulation } from '@dinhdanh/registry';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.ts';

let env: Record<string, string>;
let cleanup: () => Promise<void>;
let dir: string;
let agencyId: string;
let ids: string[];

beforeAll(async () => {
  ({ env, cleanup } = await testDatabaseEnv());
  dir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-match-'));
  env = { ...env, DINHDANH_KEYS_DIR: path.join(dir, 'keys') };
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DINHDANH_DATA_DIR });
  try {
    await seedPopulation(database, { people: 4, seed: 3, concurrency: 1 });
    ids = (
      await sql<{
        id_number: string;
      }>`SELECT id_number FROM registry.person_match ORDER BY id_number`.execute(database.db)
    ).rows.map((row) => row.id_number);
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    agencyId = (
      await registerAgency(
        { db: database.db, clock: systemClock },
        {
          name: 'Tổng cục Thuế',
          scopes: ['exchange.match'],
          purposes: [
            {
              code: 'tax.registration',
              description: 'Đăng ký thuế',
              legalBasis: 'Luật 38/2019/QH14',
              fields: ['fullName'],
            },
          ],
          jwks: { keys: [jwk] },
        },
      )
    ).agencyId;
  } finally {
    await database.close();
  }
});
afterAll(async () => {
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('dinhdanh exchange match', () => {
  it('matches a file in-process, writes the report and prints the summary', async () => {
    const file = path.join(dir, 'records.csv');
    writeFileSync(file, `idNumber,fullName\n${ids[0]},Không Phải Tên\n${ids[1]},\n${ids[1]},\n`);
    const out = path.join(dir, 'report.csv');
    const result = await runCli(env, [
      'exchange',
      'match',
      file,
      '--agency',
      agencyId,
      '--purpose',
      'tax.registration',
      '--out',
      out,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'done', records: 3, report: out });
    expect(summary.counts).toMatchObject({ mismatched: 1, matched: 1, duplicate: 1 });
    const report = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(report).toHaveLength(4);
    expect(report[3]).toBe(`4,${ids[1]},duplicate,duplicate of line 3,,`);
  });

  it('audit proof shows a matched person their membership of the batch entry; audit verify catches a removed subject', async () => {
    expect((await runCli(env, ['audit', 'checkpoint', '--json'])).code).toBe(0);
    const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DINHDANH_DATA_DIR });
    let entryId: number;
    try {
      const { rows } = await sql<{ id: number | string }>`
        SELECT id FROM audit.entry WHERE action = 'exchange.person.matched' AND members_count = 2`.execute(
        database.db,
      );
      expect(rows).toHaveLength(1);
      entryId = Number(rows[0]!.id);
    } finally {
      await database.close();
    }
    const proof = await runCli(env, ['audit', 'proof', String(entryId), '--id-number', ids[0]!, '--json']);
    expect(proof.code, proof.stderr).toBe(0);
    expect(JSON.parse(proof.stdout)).toMatchObject({ verified: true, member: { count: 2 } });
    const stranger = await runCli(env, ['audit', 'proof', String(entryId), '--id-number', ids[3]!]);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toContain('ERR_NOT_FOUND');
    expect((await runCli(env, ['audit', 'verify'])).code).toBe(0);

    const tampered = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DINHDANH_DATA_DIR });
    try {
      await tampered.bulk(async (session) => {
        await session.exec('SET LOCAL session_replication_role = replica');
        await session.exec(
          `DELETE FROM audit.entry_member WHERE entry_id = ${entryId} AND details LIKE '%fullName%'`,
        );
      });
    } finally {
      await tampered.close();
    }
    const bad = await runCli(env, ['audit', 'verify']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`AUDIT LOG TAMPERED: batch-members-mismatch`);
    expect(bad.stderr).toContain(`(entry ${entryId})`);
  });

  // Engine-independent; each CLI start on embedded PGlite costs seconds.
  it.skipIf(testDatabaseKind() === 'pglite')(
    'refuses an unknown agency with its catalogued error',
    async () => {
      const file = path.join(dir, 'one.csv');
      writeFileSync(file, `idNumber\n${ids[0]}\n`);
      const result = await runCli(env, ['exchange', 'match', file, '--agency', 'ag-none', '--purpose', 'x']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('ERR_EXCHANGE_AGENCY_NOT_FOUND');
    },
  );
});
