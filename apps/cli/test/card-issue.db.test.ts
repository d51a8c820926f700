import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDatabaseEnv, testDatabaseKind } from '@dinhdanh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.ts';

let env: Record<string, string>;
let cleanup: () => Promise<void>;
let keysDir: string;
let outDir: string;

beforeAll(async () => {
  ({ env, cleanup } = await testDatabaseEnv());
  keysDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-keys-'));
  outDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-card-'));
});
afterAll(async () => {
  await cleanup();
  rmSync(keysDir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli({ ...env, DINHDANH_KEYS_DIR: keysDir }, args);

describe(`dinhdanh card pki / card issue (${testDatabaseKind()})`, () => {
  it('initialises the PKI, issues a card to a seeded adult and writes the chip files', async () => {
    const init = await cli('card', 'pki', 'init', '--alg', 'brainpool-p256');
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('BEGIN CERTIFICATE');
    expect((await cli('card', 'pki', 'init', '--alg', 'brainpool-p256')).stdout).toContain('kept existing');

    expect((await cli('seed', '--people', '60', '--seed', '11')).code).toBe(0);
    const items: { idNumber: string; dateOfBirth: string; dateOfDeath: string | null }[] = JSON.parse(
      (await cli('person', 'list', '--limit', '60', '--json')).stdout,
    ).items;
    const adult = items.find((p) => p.dateOfBirth < '1990-01-01' && !p.dateOfDeath);
    expect(adult).toBeDefined();

    const issued = await cli('card', 'issue', adult!.idNumber, '--out', outDir, '--json');
    expect(issued.code, issued.stderr).toBe(0);
    expect(JSON.parse(issued.stdout).card).toMatchObject({ cardNumber: adult!.idNumber, status: 'active' });
    expect(readdirSync(outDir).sort()).toEqual(
      [
        'EF_COM.bin',
        'EF_DG1.bin',
        'EF_DG13.bin',
        'EF_DG15.bin',
        'EF_DG2.bin',
        'EF_SOD.bin',
        'csca.pem',
        'ds.pem',
        'qr.txt',
      ].sort(),
    );
    expect(readFileSync(path.join(outDir, 'qr.txt'), 'utf8')).toMatch(new RegExp(`^${adult!.idNumber}\\|`));

    const verified = await cli('card', 'verify', outDir, '--trust', path.join(outDir, 'csca.pem'));
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    // Without --trust: the platform's own CSCAs, and it says which anchor vouched for the card.
    const byPlatform = await cli('card', 'verify', outDir);
    expect(byPlatform.code, byPlatform.stdout + byPlatform.stderr).toBe(0);
    expect(byPlatform.stderr).toContain(path.join(keysDir, 'card-pki'));
    expect(byPlatform.stdout).toMatch(/^ {2}anchor: .+/m);
    // A key directory with no CSCA trusts nothing — and says what to do.
    const elsewhere = await runCli({ ...env, DINHDANH_KEYS_DIR: path.join(outDir, 'no-keys') }, [
      'card',
      'verify',
      outDir,
    ]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toContain('untrusted_signer');
    expect(elsewhere.stderr).toContain('--trust');

    const listFile = path.join(outDir, 'masterlist.ml');
    expect((await cli('card', 'pki', 'export-masterlist', '--out', listFile)).code).toBe(0);
    expect(readFileSync(listFile).length).toBeGreaterThan(300);
  });
});
