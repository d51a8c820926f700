import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '@dinhdanh/kernel';

/**
 * Seals secrets the server must read back (TOTP seeds) with AES-256-GCM. The stored form is
 * `v<version>.<iv>.<ciphertext+tag>` (base64url); the version names the key, so a new identity
 * secret can be added as a new version while rows sealed under the old one still open (and are
 * re-sealed under the newest on their next use). The row's id is the associated data, so a
 * sealed value copied onto another row does not open.
 */
export interface SecretBox {
  /** The version new values are sealed with (the highest configured). */
  readonly version: number;
  seal(plain: string, rowId: string): string;
  /** The plain value, or throws; `stale` when it was sealed under an older version. */
  open(sealed: string, rowId: string): { plain: string; stale: boolean };
}

const LABEL = 'dinhdanh identity totp seal';

export function createSecretBox(keys: ReadonlyArray<{ version: number; secret: Uint8Array }>): SecretBox {
  if (keys.length === 0) throw new Error('identity: at least one sealing key is required');
  const derived = new Map<number, Buffer>();
  for (const { version, secret } of keys) {
    if (!Number.isInteger(version) || version < 1) throw new Error('identity: key versions are integers ≥ 1');
    derived.set(version, Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), LABEL, 32)));
  }
  const current = Math.max(...derived.keys());
  return {
    version: current,
    seal(plain, rowId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', derived.get(current)!, iv);
      cipher.setAAD(Buffer.from(rowId, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v${current}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    },
    open(sealed, rowId) {
      const match = sealed.match(/^v(\d{1,6})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{24,})$/);
      const key = match ? derived.get(Number(match[1])) : undefined;
      if (!match || !key) throw new AppError('ERR_INTERNAL', 'a sealed secret cannot be opened');
      const body = Buffer.from(match[3]!, 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(match[2]!, 'base64url'));
        decipher.setAAD(Buffer.from(rowId, 'utf8'));
        decipher.setAuthTag(body.subarray(body.length - 16));
        const plain = Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
        return { plain: plain.toString('utf8'), stale: Number(match[1]) !== current };
      } catch {
        throw new AppError('ERR_INTERNAL', 'a sealed secret cannot be opened');
      }
    },
  };
}
