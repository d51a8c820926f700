import { randomBytes } from 'node:crypto';
import { AppError } from '@dinhdanh/kernel';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdminUnits } from '../admin-unit/admin-units.ts';
import {
  actorOf,
  assertCanWrite,
  issueOfficerToken,
  type Officer,
  officerTokenVerifier,
  unitOf,
  verifyOfficerToken,
} from './officer.ts';

// Officers' authorisation: who the token says they are, and which records their unit may write.

const key = randomBytes(32);
const NOW = new Date('2026-12-07T03:00:00Z');
let units: AdminUnits;

beforeAll(async () => {
  units = await AdminUnits.fromReferenceData();
});

/** The catalogue code and detail a call failed with, or 'ok'. */
async function outcome(call: () => unknown): Promise<string | [string, string | undefined]> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return [error.code, error.detail];
    throw error;
  }
}

const notValid = ['ERR_UNAUTHENTICATED', 'the token is not valid'];

describe('officer tokens', () => {
  it('carry the officer, the unit and the role, for twelve hours by default', async () => {
    const issued = await issueOfficerToken(key, units, { unit: '01', officerId: 'cb-7', now: NOW });
    expect(issued.officer).toEqual({
      officerId: 'cb-7',
      unit: { code: '01', level: 'province', name: 'Thành phố Hà Nội' },
      role: 'officer',
    });
    expect(issued.expiresAt.toISOString()).toBe('2026-12-07T15:00:00.000Z');
    const claims = JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({
      sub: 'cb-7',
      unit: '01',
      role: 'officer',
      iss: 'dinhdanh',
      aud: 'dinhdanh-officer',
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 12 * 3600,
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(await verifyOfficerToken(key, units, issued.token, NOW)).toEqual(issued.officer);
    const lastSecond = new Date(issued.expiresAt.getTime() - 1000);
    expect(await verifyOfficerToken(key, units, issued.token, lastSecond)).toEqual(issued.officer);
    expect(await outcome(() => verifyOfficerToken(key, units, issued.token, issued.expiresAt))).toEqual([
      'ERR_UNAUTHENTICATED',
      'the token has expired',
    ]);
    const supervisor = await issueOfficerToken(key, units, {
      unit: 'VN',
      role: 'supervisor',
      ttlSeconds: 60,
      now: NOW,
    });
    expect(supervisor.officer.role).toBe('supervisor');
    expect(supervisor.officer.unit).toEqual({ code: 'VN', level: 'country', name: 'Việt Nam' });
    expect(supervisor.officer.officerId).toMatch(/^officer-[0-9a-f]{8}$/);
    expect(supervisor.expiresAt.getTime() - NOW.getTime()).toBe(60_000);
    expect((await verifyOfficerToken(key, units, supervisor.token, NOW)).role).toBe('supervisor');
  });

  it('are refused when signed with another key, altered, of another type, issuer or audience', async () => {
    const { token } = await issueOfficerToken(key, units, { unit: '00004', now: NOW });
    expect(await outcome(() => verifyOfficerToken(randomBytes(32), units, token, NOW))).toEqual(notValid);
    const [header, payload, signature] = token.split('.');
    const altered = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    altered.unit = 'VN';
    const forged = `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
    expect(await outcome(() => verifyOfficerToken(key, units, forged, NOW))).toEqual(notValid);
    const sign = (
      claims: Record<string, unknown>,
      typ = 'officer+jwt',
      issuer = 'dinhdanh',
      audience = 'dinhdanh-officer',
      subject: string | null = 'cb-1',
    ) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(Math.floor(NOW.getTime() / 1000))
        .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 60);
      return (subject === null ? jwt : jwt.setSubject(subject)).sign(key);
    };
    expect(await outcome(() => verifyOfficerToken(key, units, 'not.a.token', NOW))).toEqual(notValid);
    expect(await verifyOfficerToken(key, units, await sign({ unit: '00004' }), NOW)).toMatchObject({
      officerId: 'cb-1',
      role: 'officer',
    });
    for (const token of [
      await sign({ unit: '00004' }, 'JWT'),
      await sign({ unit: '00004' }, 'officer+jwt', 'someone-else'),
      await sign({ unit: '00004' }, 'officer+jwt', 'dinhdanh', 'dinhdanh-citizen'),
      await sign({}),
      await sign({ unit: '00004' }, 'officer+jwt', 'dinhdanh', 'dinhdanh-officer', null),
      await sign({ unit: 4 }),
      await sign({ unit: '99999' }),
    ])
      expect(await outcome(() => verifyOfficerToken(key, units, token, NOW))).toEqual(notValid);
    // A role other than supervisor is an officer's.
    expect((await verifyOfficerToken(key, units, await sign({ unit: 'VN', role: 'admin' }), NOW)).role).toBe(
      'officer',
    );
  });

  it('are remembered once verified, but never past their expiry', async () => {
    const verify = officerTokenVerifier(key, units, 2);
    const first = await issueOfficerToken(key, units, { unit: '00004', ttlSeconds: 60, now: NOW });
    expect(await verify(first.token, NOW)).toEqual(first.officer);
    expect(await verify(first.token, new Date(NOW.getTime() + 59_000))).toEqual(first.officer);
    expect(await outcome(() => verify(first.token, new Date(NOW.getTime() + 60_000)))).toEqual([
      'ERR_UNAUTHENTICATED',
      'the token has expired',
    ]);
    // More tokens than the memory holds: each is still verified, none is confused with another.
    const tokens = await Promise.all(
      ['00004', '00008', '00025', 'VN'].map((unit) => issueOfficerToken(key, units, { unit, now: NOW })),
    );
    for (const issued of [...tokens, ...tokens])
      expect(await verify(issued.token, NOW)).toEqual(issued.officer);
    expect(await outcome(() => verify(`${tokens[0]!.token}x`, NOW))).toEqual(notValid);
  });
});

describe('administrative units of officers', () => {
  it('are the country, a 2025 province (2 digits) or a 2025 commune (5 digits)', async () => {
    expect(unitOf('VN', units)).toEqual({ code: 'VN', level: 'country', name: 'Việt Nam' });
    expect(unitOf('79', units).level).toBe('province');
    expect(unitOf('00004', units)).toEqual({ code: '00004', level: 'commune', name: 'Phường Ba Đình' });
    for (const code of ['99', '99999', '0004', '000004', 'vn', 'HN', '', '01 '])
      expect(await outcome(() => unitOf(code, units)), code).toEqual([
        'ERR_ADMIN_UNIT_UNKNOWN',
        `no 2025 province or commune with code ${code}`,
      ]);
    expect(() => unitOf('99', units)).toThrow(expect.objectContaining({ extra: { unitCode: '99' } }));
  });

  it('bound what an officer may write: the country anything, a province its communes, a commune itself', () => {
    const officer = (code: string): Officer => ({
      officerId: 'cb',
      unit: unitOf(code, units),
      role: 'officer',
    });
    const may = (code: string, commune: string | null | undefined) =>
      outcome(() => assertCanWrite(officer(code), units, commune));
    return (async () => {
      expect(await may('VN', '25747')).toBe('ok');
      expect(await may('VN', null)).toBe('ok');
      expect(await may('01', '00004')).toBe('ok');
      expect(await may('01', '25747')).toEqual([
        'ERR_FORBIDDEN_UNIT',
        'unit 01 may not write records of commune 25747',
      ]);
      expect(await may('79', '25747')).toBe('ok');
      expect(await may('00004', '00004')).toBe('ok');
      expect(await may('00004', '00008')).toEqual([
        'ERR_FORBIDDEN_UNIT',
        'unit 00004 may not write records of commune 00008',
      ]);
      for (const code of ['01', '00004'])
        for (const commune of [null, undefined, ''])
          expect(await may(code, commune)).toEqual([
            'ERR_FORBIDDEN_UNIT',
            `unit ${code} may not write records of commune ${commune ?? '(none)'}`,
          ]);
    })();
  });

  it('name the officer and the unit as the actor of a change', () => {
    expect(actorOf({ officerId: 'cb-1', unit: unitOf('00004', units), role: 'officer' })).toEqual({
      actor: 'officer:cb-1',
      actorUnit: '00004',
    });
  });
});
