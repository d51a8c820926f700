import { randomUUID } from 'node:crypto';
import { subjectKey } from '@dinhdanh/audit';
import { AppError } from '@dinhdanh/kernel';
import { jwtVerify, SignJWT } from 'jose';

/**
 * Interim citizen bearer tokens for the access-log API, until eID accounts and the wallet
 * arrive with the identity module. The token names the citizen only by their pseudonymous
 * subject key: it carries no ID number, so a leaked token or log line reveals no identity.
 */
const ISSUER = 'dinhdanh';
const AUDIENCE = 'dinhdanh-citizen';

export async function issueCitizenToken(
  key: Uint8Array,
  subjectSecret: Uint8Array,
  idNumber: string,
  options: { ttlSeconds?: number; now?: Date } = {},
): Promise<{ token: string; expiresAt: Date }> {
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + (options.ttlSeconds ?? 3600) * 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'citizen+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(subjectKey(subjectSecret, idNumber))
    .setJti(randomUUID())
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
  return { token, expiresAt };
}

/** The citizen's subject key, or ERR_UNAUTHENTICATED. */
export async function verifyCitizenToken(
  key: Uint8Array,
  token: string,
  now: Date = new Date(),
): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      typ: 'citizen+jwt',
      currentDate: now,
    });
    if (typeof payload.sub !== 'string' || !/^[0-9a-f]{64}$/.test(payload.sub))
      throw new Error('bad subject');
    return payload.sub;
  } catch {
    throw new AppError('ERR_UNAUTHENTICATED', 'the citizen token is not valid');
  }
}
