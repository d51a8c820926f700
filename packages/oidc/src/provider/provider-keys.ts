import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileExclusive } from '@dinhdanh/kernel';

/** A private JWK as oidc-provider takes it. */
export type PrivateJwk = Record<string, string>;

const FILE = 'oidc-signing.jwks.json';
/** Generations kept: the current one signs, the previous one still verifies (tokens in flight). */
const GENERATIONS = 2;

function generation(): PrivateJwk[] {
  const made = new Date().toISOString().slice(0, 10);
  const es = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const ps = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return [
    { ...(es as PrivateJwk), kid: `es256-${made}-${randomUUID().slice(0, 8)}`, alg: 'ES256', use: 'sig' },
    { ...(ps as PrivateJwk), kid: `ps256-${made}-${randomUUID().slice(0, 8)}`, alg: 'PS256', use: 'sig' },
  ];
}

/**
 * The provider's signing keys (ES256 + PS256), newest generation first: oidc-provider signs
 * with the first key of an algorithm and publishes every key in its JWKS, so after a rotation
 * tokens signed with the previous keys still verify until they expire. Stored as one file
 * under the keys directory (mode 0600), beside the key store's secrets. A running process
 * picks up a rotation at its next start.
 */
export async function loadProviderKeys(
  keysDir: string,
  options: { allowCreate: boolean },
): Promise<PrivateJwk[]> {
  const file = path.join(keysDir, FILE);
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { keys: PrivateJwk[] }).keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !options.allowCreate) throw error;
  }
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  // Atomic: a process starting at the same moment reads the whole file or none.
  await writeFileExclusive(file, JSON.stringify({ keys: generation() }));
  return loadProviderKeys(keysDir, { allowCreate: false });
}

/** Makes a new signing generation; the previous one stays published, older ones go. */
export async function rotateProviderKeys(keysDir: string): Promise<{ kids: string[] }> {
  const current = await loadProviderKeys(keysDir, { allowCreate: true });
  const fresh = generation();
  const keys = [...fresh, ...current.slice(0, 2 * (GENERATIONS - 1))];
  const file = path.join(keysDir, FILE);
  await writeFile(`${file}.tmp`, JSON.stringify({ keys }), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return { kids: fresh.map((key) => key.kid ?? '') };
}

/** A fresh in-memory generation, for tests. */
export function ephemeralProviderKeys(): PrivateJwk[] {
  return generation();
}
