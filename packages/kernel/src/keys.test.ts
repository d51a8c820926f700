import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeyStore } from './keys.ts';

// Several processes (serve --workers) may create the same key at the same moment: each must end up
// with the one key that was written, never an empty or half-written file.
describe('FileKeyStore under concurrent creation', () => {
  it('gives every racing store the same secret and the same signing key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keys-race-'));
    try {
      const stores = Array.from({ length: 32 }, () => new FileKeyStore(dir, { allowCreate: true }));
      const secrets = await Promise.all(stores.map((store) => store.secret('shared')));
      expect(new Set(secrets.map((secret) => Buffer.from(secret).toString('hex'))).size).toBe(1);
      const signing = await Promise.all(stores.map((store) => store.signingKey('signer')));
      expect(new Set(signing.map((key) => Buffer.from(key.publicKey).toString('hex'))).size).toBe(1);
      expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
