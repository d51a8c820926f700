import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where secrets and signing keys live. The file store suits a single machine; a KMS or HSM
 * implements the same interface for production deployments.
 */
export interface KeyStore {
  /** A 32-byte secret by name, created on first use when the store allows it. */
  secret(name: string): Promise<Uint8Array>;
}

const keyName = /^[a-z][a-z0-9-]{0,63}$/;

export class FileKeyStore implements KeyStore {
  readonly dir: string;
  readonly allowCreate: boolean;

  constructor(dir: string, options: { allowCreate: boolean }) {
    this.dir = dir;
    this.allowCreate = options.allowCreate;
  }

  async secret(name: string): Promise<Uint8Array> {
    if (!keyName.test(name)) throw new Error(`invalid key name ${name}`);
    const file = path.join(this.dir, `${name}.key`);
    try {
      return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !this.allowCreate) throw error;
    }
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(32);
    try {
      // 'wx' so two processes starting together cannot overwrite each other's key.
      await writeFile(file, `${secret.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return this.secret(name);
      throw error;
    }
  }
}

/** A key store holding fixed secrets, for configuration-provided keys and tests. */
export class StaticKeyStore implements KeyStore {
  readonly secrets: Map<string, Uint8Array>;
  constructor(secrets: Record<string, Uint8Array>) {
    this.secrets = new Map(Object.entries(secrets));
  }
  async secret(name: string): Promise<Uint8Array> {
    const value = this.secrets.get(name);
    if (!value) throw new Error(`no key ${name}`);
    return value;
  }
}
