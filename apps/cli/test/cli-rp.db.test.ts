import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDatabaseEnv, testDatabaseKind } from '@dinhdanh/db/testing';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.ts';

let env: Record<string, string>;
let cleanup: () => Promise<void>;
let dir: string;

beforeAll(async () => {
  const database = await testDatabaseEnv();
  cleanup = database.cleanup;
  dir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-rp-cli-'));
  env = { ...database.env, DINHDANH_KEYS_DIR: path.join(dir, 'keys') };
});
afterAll(async () => {
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(env, args);

/** `dinhdanh rp add --name … --redirect-uri … (each) --jwks FILE …extra`. */
const addRp = (name: string, redirectUris: string[], jwks: string, ...extra: string[]) =>
  cli(
    'rp',
    'add',
    '--name',
    name,
    ...redirectUris.flatMap((uri) => ['--redirect-uri', uri]),
    '--jwks',
    jwks,
    ...extra,
  );

/** An RP's ES256 key pair; writes the public JWKS (or, with `leakPrivate`, the private JWK too). */
async function jwksFile(name: string, shape: 'jwks' | 'jwk' | 'private'): Promise<string> {
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const key = shape === 'private' ? await jose.exportJWK(privateKey) : await jose.exportJWK(publicKey);
  const jwk = { ...key, kid: name, alg: 'ES256', use: 'sig' };
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(shape === 'jwk' ? jwk : { keys: [jwk] }));
  return file;
}

// Each command opens the platform (about 5 s on PGlite with two busy cores): few calls per test.
describe(`dinhdanh rp (${testDatabaseKind()})`, { timeout: 180_000 }, () => {
  let registered = '';

  it('registers a relying party from a public JWKS and prints its client id as JSON', async () => {
    const added = await addRp(
      'Ngân hàng Thử nghiệm',
      ['https://bank.example.vn/callback'],
      await jwksFile('bank', 'jwks'),
      '--scopes',
      'openid profile phone',
      '--min-level',
      '2',
      '--json',
    );
    expect(added.code, added.stderr).toBe(0);
    const client = JSON.parse(added.stdout);
    expect(client.clientId).toMatch(/^rp-[\w-]{16}$/);
    expect(client).toMatchObject({
      name: 'Ngân hàng Thử nghiệm',
      redirectUris: ['https://bank.example.vn/callback'],
      scopes: ['openid', 'profile', 'phone'],
      minLevel: 2,
      sector: 'bank.example.vn',
      disabled: false,
    });
    expect(client.jwks.keys.every((key: Record<string, unknown>) => !('d' in key))).toBe(true);

    const listed = await cli('rp', 'list', '--json');
    expect(JSON.parse(listed.stdout).map((rp: { clientId: string }) => rp.clientId)).toContain(
      client.clientId,
    );

    registered = client.clientId;
  });

  it('accepts a single JWK and prints a readable summary without --json', async () => {
    const added = await addRp(
      'Bệnh viện Thử nghiệm',
      ['https://hospital.example.vn/cb'],
      await jwksFile('hospital', 'jwk'),
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^rp-[\w-]+ {2}Bệnh viện Thử nghiệm\n/);
    expect(added.stdout).toContain('redirect URIs: https://hospital.example.vn/cb');
    expect(added.stdout).toContain('minimum level 1');
  });

  it('refuses a JWKS with private key members with exit status 1 and the catalogued error', async () => {
    const refused = await addRp(
      'Lộ khoá',
      ['https://leak.example.vn/cb'],
      await jwksFile('leak', 'private'),
      '--json',
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^ERR_OIDC_CLIENT_INVALID: /);
    expect(refused.stderr).toContain('the JWKS must hold public keys only');
    expect(refused.stderr).not.toContain('"d"');
  });

  it('refuses a bad level, an unreadable file and redirect URIs on two hosts', async () => {
    const jwks = await jwksFile('other', 'jwks');
    const level = await addRp('X', ['https://x.vn/cb'], jwks, '--min-level', '3');
    expect(level.code).toBe(1);
    expect(level.stderr).toContain('--min-level must be 1 or 2');
    const missing = await addRp('X', ['https://x.vn/cb'], path.join(dir, 'none.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read the JWKS file');
    const hosts = await addRp('X', ['https://a.example.vn/cb', 'https://b.example.vn/cb'], jwks);
    expect(hosts.code).toBe(1);
    expect(hosts.stderr).toContain('ERR_OIDC_CLIENT_INVALID');
  });

  it('disables a relying party; the refused ones were never stored', async () => {
    const removed = await cli('rp', 'remove', registered);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`disabled ${registered}`);
    const clients = JSON.parse((await cli('rp', 'list', '--json')).stdout) as {
      clientId: string;
      name: string;
      disabled: boolean;
    }[];
    expect(clients.map((rp) => rp.name).sort()).toEqual(['Bệnh viện Thử nghiệm', 'Ngân hàng Thử nghiệm']);
    expect(clients.find((rp) => rp.clientId === registered)?.disabled).toBe(true);
  });
});

// Agencies share the admin path with relying parties (database, or the running server's API).
describe(`dinhdanh agency (${testDatabaseKind()})`, { timeout: 180_000 }, () => {
  it('registers an agency from purpose codes and prints its client id; refuses an unknown scope', async () => {
    const added = await cli(
      'agency',
      'add',
      '--name',
      'Bảo hiểm xã hội Việt Nam',
      '--scopes',
      'exchange.verify,exchange.lookup',
      '--purposes',
      'social_insurance.enrolment',
      '--legal-basis',
      'Luật Bảo hiểm xã hội 41/2024/QH15',
      '--jwks',
      await jwksFile('vss', 'jwks'),
      '--json',
    );
    expect(added.code, added.stderr).toBe(0);
    const agency = JSON.parse(added.stdout);
    expect(agency.clientId).toMatch(/^ag-[\w-]{16}$/);
    expect(agency).toMatchObject({
      name: 'Bảo hiểm xã hội Việt Nam',
      scopes: ['exchange.verify', 'exchange.lookup'],
      purposes: [
        {
          code: 'social_insurance.enrolment',
          legalBasis: 'Luật Bảo hiểm xã hội 41/2024/QH15',
          fields: ['idNumber', 'fullName', 'dateOfBirth', 'sex', 'alive'],
        },
      ],
    });
    const refused = await cli(
      'agency',
      'add',
      '--name',
      'x',
      '--scopes',
      'exchange.all',
      '--purposes',
      'p',
      '--jwks',
      await jwksFile('x', 'jwks'),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ERR_EXCHANGE_AGENCY_INVALID: /);
    expect(refused.stderr).toContain('scopes.0');
  });
});
