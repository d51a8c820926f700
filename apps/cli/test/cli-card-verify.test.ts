import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.ts';

const data = '/work/shared/data/emrtd';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-card-verify-'));
  for (const file of ['EF_SOD.bin', 'EF_DG1.bin', 'EF_DG14.bin']) {
    copyFileSync(path.join(data, 'bsi-tr03105', file), path.join(dir, file));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dsc = path.join(data, 'bsi-tr03105/DSC_HJP_PB_DS_0142fd5cf927.pem');

describe('dinhdanh card verify', () => {
  it('verifies the BSI set (exit 0) and prints JSON', async () => {
    const run = await runCli({}, [
      'card',
      'verify',
      dir,
      '--trust',
      dsc,
      '--at',
      '2014-06-01T00:00:00Z',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.valid).toBe(true);
    expect(result.dg1.primaryIdentifier).toBe('MUSTERMANN');
  }, 30_000);

  it('verifies the BSI directory as shipped, its unsigned DG15 reported and ignored', async () => {
    const run = await runCli({}, [
      'card',
      'verify',
      path.join(data, 'bsi-tr03105'),
      '--trust',
      dsc,
      '--at',
      '2014-06-01T00:00:00Z',
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('warnings: dg_not_in_sod');
    expect(run.stdout).toMatch(/DG15: failed \(dg_not_in_sod\)/);
  }, 30_000);

  it('fails (exit 1) without a trust anchor and when expired', async () => {
    const untrusted = await runCli({}, ['card', 'verify', dir, '--at', '2014-06-01T00:00:00Z']);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toContain('untrusted_signer');
    const expired = await runCli({}, ['card', 'verify', dir, '--trust', dsc, '--json']);
    expect(expired.code).toBe(1);
    expect(JSON.parse(expired.stdout).failures).toEqual(['certificate_expired']);
  }, 30_000);

  it('accepts a master list as trust and reports the DS as untrusted by it', async () => {
    const run = await runCli({}, [
      'card',
      'verify',
      dir,
      '--trust',
      path.join(data, 'icao-master-list/allowlist.ml'),
      '--at',
      '2014-06-01T00:00:00Z',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('520 certificates');
  }, 30_000);
});
