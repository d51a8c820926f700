import { describe, expect, it } from 'vitest';
import { acrFor } from '../session/amr.ts';
import { passwordProblem } from './password.policy.ts';
import { totpFor, totpStep } from './totp.ts';

describe('password policy (NIST SP 800-63B-4)', () => {
  it('asks for 8 to 256 characters and no composition rules', () => {
    expect(passwordProblem('abcdefg')).toMatch(/shorter than 8/);
    expect(passwordProblem('trời hôm nay xanh')).toBeUndefined();
    expect(
      passwordProblem('a'.repeat(64).replace(/a/g, (_, i) => String.fromCharCode(97 + (i % 26)))),
    ).toBeUndefined();
    expect(passwordProblem('x'.repeat(257))).toMatch(/longer than 256/);
    // Long passphrases of plain lower-case words are fine.
    expect(passwordProblem('correct horse battery staple')).toBeUndefined();
  });

  it('blocks common passwords, their trailing-digit variants and Vietnamese favourites', () => {
    for (const weak of [
      'password',
      'Password123',
      '12345678',
      'qwertyuiop',
      'matkhau123',
      'Mật khẩu 2025!',
      'anhyeuem',
      'iloveyou!',
      'aaaaaaaaaa',
    ])
      expect(passwordProblem(weak), weak).toBeDefined();
  });

  it('blocks the holder’s ID number, phone and date of birth', () => {
    const context = { idNumber: '001090000123', phone: '+84912345678', dateOfBirth: '1990-05-01' };
    expect(passwordProblem('toi-la-001090000123', context)).toMatch(/ID number/);
    expect(passwordProblem('goi 0912345678 nhe', context)).toMatch(/phone/);
    expect(passwordProblem('sinh ngay 01/05/1990', context)).toMatch(/date of birth/);
    expect(passwordProblem('mây trắng bay về núi', context)).toBeUndefined();
  });
});

describe('TOTP and assurance levels', () => {
  it('accepts a code one step either side, and names its step', () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const now = new Date('2026-11-23T03:00:10Z');
    const step = Math.floor(now.getTime() / 30_000);
    const code = (offset: number) => totpFor(secret).generate({ timestamp: now.getTime() + offset * 30_000 });
    expect(totpStep(secret, code(0), now)).toBe(step);
    expect(totpStep(secret, code(-1), now)).toBe(step - 1);
    expect(totpStep(secret, code(1), now)).toBe(step + 1);
    expect(totpStep(secret, code(3), now)).toBeUndefined();
  });

  it('gives level 2 only to a level-2 account with a multi-factor login', () => {
    expect(acrFor(2, ['pwd', 'sms'])).toBe(2);
    expect(acrFor(2, ['pwd'])).toBe(1);
    expect(acrFor(1, ['pwd', 'otp'])).toBe(1);
    expect(acrFor(2, ['hwk', 'user'])).toBe(2);
    expect(acrFor(2, ['hwk'])).toBe(1);
    expect(acrFor(2, ['mca', 'pwd', 'sms'])).toBe(2);
  });
});
