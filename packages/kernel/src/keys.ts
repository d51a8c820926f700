import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import { link, mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** An Ed25519 signing key held by a key store. The private half never leaves the store. */
export interface Ed25519SigningKey {
  /** Increases by one at each rotation of the name; 1 for the first key. */
  readonly version: number;
  /** The 32-byte public key (RFC 8032 encoding). */
  readonly publicKey: Uint8Array;
  /** A 64-byte Ed25519 signature over `data`. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A public key that verifies signatures made by one version of a named signing key. */
export interface Ed25519PublicKey {
  readonly version: number;
  readonly publicKey: Uint8Array;
}

/**
 * Where secrets and signing keys live. The file store suits a single machine; a KMS or HSM
 * implements the same interface for production deployments.
 */
export interface KeyStore {
  /** A 32-byte secret by name, created on first use when the store allows it. */
  secret(name: string): Promise<Uint8Array>;
  /** The current Ed25519 signing key by name, created on first use when the store allows it. */
  signingKey(name: string): Promise<Ed25519SigningKey>;
  /** Every version's public key under `name`, oldest first: retired keys stay, verify-only. */
  publicKeys(name: string): Promise<Ed25519PublicKey[]>;
  /** Makes a new current signing key under `name`; the previous one becomes verify-only. */
  rotateSigningKey(name: string): Promise<Ed25519SigningKey>;
}

const keyName = /^[a-z][a-z0-9-]{0,63}$/;

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410), so node:crypto can load it.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function ed25519FromSeed(seed: Uint8Array): { privateKey: KeyObject; publicKey: Uint8Array } {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { privateKey, publicKey: Buffer.from(jwk.x ?? '', 'base64url') };
}

function signingKeyFromSeed(version: number, seed: Uint8Array): Ed25519SigningKey {
  const { privateKey, publicKey } = ed25519FromSeed(seed);
  return {
    version,
    publicKey,
    sign: async (data) => sign(null, data, privateKey),
  };
}

const isErrno = (error: unknown, code: string) => (error as NodeJS.ErrnoException).code === code;

/**
 * Creates `file` with `content` unless it exists, atomically: the content is written to a private
 * temporary file which is then hard-linked to the name (link fails if the name exists). A plain
 * exclusive create would let a process starting at the same moment read the file empty. Returns
 * false when the file already existed.
 */
export async function writeFileExclusive(file: string, content: string, mode = 0o600): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode, flag: 'wx' });
  try {
    await link(temporary, file);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

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
      if (!isErrno(error, 'ENOENT') || !this.allowCreate) throw error;
    }
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(32);
    // Of two processes starting together one creates the key; the other reads it.
    if (await writeFileExclusive(file, `${secret.toString('base64url')}\n`)) return secret;
    return this.secret(name);
  }

  // Signing keys: `<dir>/<name>.ed25519/<version>.key` holds the seed of the current version
  // only; `<version>.pub` holds every version's public key, so rotation keeps old signatures
  // verifiable while the retired private keys are gone.
  private signingDir(name: string): string {
    if (!keyName.test(name)) throw new Error(`invalid key name ${name}`);
    return path.join(this.dir, `${name}.ed25519`);
  }

  private async versions(dir: string): Promise<{ keys: number[]; pubs: number[] }> {
    let files: string[] = [];
    try {
      files = await readdir(dir);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
    const numbers = (suffix: string) =>
      files
        .filter((file) => new RegExp(`^[1-9][0-9]*\\${suffix}$`).test(file))
        .map((file) => Number(file.slice(0, -suffix.length)))
        .sort((a, b) => a - b);
    return { keys: numbers('.key'), pubs: numbers('.pub') };
  }

  private async createVersion(dir: string, version: number): Promise<Ed25519SigningKey | undefined> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const seed = randomBytes(32);
    // The private file is created first: of two processes racing, one wins.
    if (!(await writeFileExclusive(path.join(dir, `${version}.key`), `${seed.toString('base64url')}\n`)))
      return undefined;
    const key = signingKeyFromSeed(version, seed);
    await writeFile(
      path.join(dir, `${version}.pub`),
      `${Buffer.from(key.publicKey).toString('base64url')}\n`,
    );
    return key;
  }

  async signingKey(name: string): Promise<Ed25519SigningKey> {
    const dir = this.signingDir(name);
    const { keys, pubs } = await this.versions(dir);
    const current = keys.at(-1);
    if (current !== undefined) {
      const seed = Buffer.from(
        (await readFile(path.join(dir, `${current}.key`), 'utf8')).trim(),
        'base64url',
      );
      return signingKeyFromSeed(current, seed);
    }
    if (!this.allowCreate) throw new Error(`no signing key ${name}`);
    return (await this.createVersion(dir, (pubs.at(-1) ?? 0) + 1)) ?? this.signingKey(name);
  }

  async publicKeys(name: string): Promise<Ed25519PublicKey[]> {
    const dir = this.signingDir(name);
    const { keys, pubs } = await this.versions(dir);
    const all = [...new Set([...pubs, ...keys])].sort((a, b) => a - b);
    return Promise.all(
      all.map(async (version) => {
        if (pubs.includes(version)) {
          const text = await readFile(path.join(dir, `${version}.pub`), 'utf8');
          return { version, publicKey: Buffer.from(text.trim(), 'base64url') };
        }
        // A crash between writing the private and the public file: derive the public key.
        const seed = Buffer.from(
          (await readFile(path.join(dir, `${version}.key`), 'utf8')).trim(),
          'base64url',
        );
        return { version, publicKey: ed25519FromSeed(seed).publicKey };
      }),
    );
  }

  async rotateSigningKey(name: string): Promise<Ed25519SigningKey> {
    const dir = this.signingDir(name);
    const { keys, pubs } = await this.versions(dir);
    const next = Math.max(0, ...keys, ...pubs) + 1;
    const key = await this.createVersion(dir, next);
    if (!key) throw new Error(`signing key ${name} is being rotated by another process`);
    for (const old of keys) await unlink(path.join(dir, `${old}.key`)).catch(() => {});
    return key;
  }
}

/** A key store holding fixed secrets, for configuration-provided keys and tests. */
export class StaticKeyStore implements KeyStore {
  readonly secrets: Map<string, Uint8Array>;
  /** Ed25519 seeds per name, oldest version first; the last one signs. */
  readonly signingSeeds: Map<string, Uint8Array[]>;
  constructor(secrets: Record<string, Uint8Array>, signingSeeds: Record<string, Uint8Array[]> = {}) {
    this.secrets = new Map(Object.entries(secrets));
    this.signingSeeds = new Map(Object.entries(signingSeeds).map(([name, seeds]) => [name, [...seeds]]));
  }
  async secret(name: string): Promise<Uint8Array> {
    const value = this.secrets.get(name);
    if (!value) throw new Error(`no key ${name}`);
    return value;
  }
  async signingKey(name: string): Promise<Ed25519SigningKey> {
    const seeds = this.signingSeeds.get(name);
    const seed = seeds?.at(-1);
    if (!seeds || !seed) throw new Error(`no signing key ${name}`);
    return signingKeyFromSeed(seeds.length, seed);
  }
  async publicKeys(name: string): Promise<Ed25519PublicKey[]> {
    return (this.signingSeeds.get(name) ?? []).map((seed, i) => ({
      version: i + 1,
      publicKey: ed25519FromSeed(seed).publicKey,
    }));
  }
  async rotateSigningKey(name: string): Promise<Ed25519SigningKey> {
    const seeds = this.signingSeeds.get(name) ?? [];
    seeds.push(randomBytes(32));
    this.signingSeeds.set(name, seeds);
    return this.signingKey(name);
  }
}
