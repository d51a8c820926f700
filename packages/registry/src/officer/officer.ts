import { randomUUID } from 'node:crypto';
import { AppError } from '@dinhdanh/kernel';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { AdminUnits } from '../admin-unit/admin-units.ts';

/**
 * Officer bearer tokens, scoped to one administrative unit. This is the interim authentication
 * of the registry API; the identity module replaces it with real officer accounts.
 * A unit is a 2025 province (2 digits), a 2025 commune (5 digits) or `VN` (national level).
 */
export interface Officer {
  officerId: string;
  unit: { code: string; level: 'country' | 'province' | 'commune'; name: string };
  /** A supervisor may also read people's access logs. */
  role: OfficerRole;
}

export type OfficerRole = 'officer' | 'supervisor';

const ISSUER = 'dinhdanh';
const AUDIENCE = 'dinhdanh-officer';

export function unitOf(code: string, units: AdminUnits): Officer['unit'] {
  if (code === 'VN') return { code, level: 'country', name: 'Việt Nam' };
  if (/^\d{2}$/.test(code)) {
    const province = units.find('2025', 'province', code);
    if (province) return { code, level: 'province', name: province.fullName };
  }
  if (/^\d{5}$/.test(code)) {
    const commune = units.find('2025', 'commune', code);
    if (commune) return { code, level: 'commune', name: commune.fullName };
  }
  throw new AppError('ERR_ADMIN_UNIT_UNKNOWN', `no 2025 province or commune with code ${code}`, {
    unitCode: code,
  });
}

export async function issueOfficerToken(
  key: Uint8Array,
  units: AdminUnits,
  options: { unit: string; officerId?: string; role?: OfficerRole; ttlSeconds?: number; now?: Date },
): Promise<{ token: string; officer: Officer; expiresAt: Date }> {
  const unit = unitOf(options.unit, units);
  const officerId = options.officerId ?? `officer-${randomUUID().slice(0, 8)}`;
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + (options.ttlSeconds ?? 12 * 3600) * 1000);
  const role = options.role ?? 'officer';
  const token = await new SignJWT({ unit: unit.code, role })
    .setProtectedHeader({ alg: 'HS256', typ: 'officer+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(officerId)
    .setJti(randomUUID())
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
  return { token, officer: { officerId, unit, role }, expiresAt };
}

export async function verifyOfficerToken(
  key: Uint8Array,
  units: AdminUnits,
  token: string,
  now: Date = new Date(),
): Promise<Officer> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      typ: 'officer+jwt',
      currentDate: now,
    });
    if (typeof payload.sub !== 'string' || typeof payload.unit !== 'string')
      throw new Error('claims missing');
    const role: OfficerRole = payload.role === 'supervisor' ? 'supervisor' : 'officer';
    return { officerId: payload.sub, unit: unitOf(payload.unit, units), role };
  } catch (error) {
    const detail =
      error instanceof joseErrors.JWTExpired ? 'the token has expired' : 'the token is not valid';
    throw new AppError('ERR_UNAUTHENTICATED', detail);
  }
}

/** Throws ERR_FORBIDDEN_UNIT unless the officer's unit contains the 2025 commune. */
export function assertCanWrite(
  officer: Officer,
  units: AdminUnits,
  communeCode: string | null | undefined,
): void {
  const { unit } = officer;
  if (unit.level === 'country') return;
  const allowed =
    !!communeCode &&
    (unit.level === 'commune'
      ? communeCode === unit.code
      : units.provinceOf('2025', communeCode) === unit.code);
  if (!allowed)
    throw new AppError(
      'ERR_FORBIDDEN_UNIT',
      `unit ${unit.code} may not write records of commune ${communeCode ?? '(none)'}`,
    );
}

export function actorOf(officer: Officer): { actor: string; actorUnit: string } {
  return { actor: `officer:${officer.officerId}`, actorUnit: officer.unit.code };
}

/**
 * Verifies officer tokens, remembering the ones already verified until they expire: a token
 * is immutable, so re-checking its HMAC and claims on every request of a session is wasted work.
 * Bounded, oldest first out.
 */
export function officerTokenVerifier(key: Uint8Array, units: AdminUnits, maxEntries = 10_000) {
  const verified = new Map<string, { officer: Officer; expiresAt: number }>();
  return async (token: string, now: Date): Promise<Officer> => {
    const cached = verified.get(token);
    if (cached && cached.expiresAt > now.getTime()) return cached.officer;
    if (cached) verified.delete(token);
    const officer = await verifyOfficerToken(key, units, token, now);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: number;
    };
    if (typeof payload.exp === 'number') {
      if (verified.size >= maxEntries) verified.delete(verified.keys().next().value as string);
      verified.set(token, { officer, expiresAt: payload.exp * 1000 });
    }
    return officer;
  };
}
