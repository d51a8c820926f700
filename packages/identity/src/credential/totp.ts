import { Secret, TOTP } from 'otpauth';

const PERIOD = 30;

/** RFC 6238 as authenticator apps implement it: SHA-1, 6 digits, 30-second steps. */
export function totpFor(secretBase32: string, label = 'dinhdanh'): TOTP {
  return new TOTP({
    issuer: 'dinhdanh',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/**
 * The time step a code belongs to (one step either side of now is tolerated for clock drift),
 * or undefined. The caller refuses a step at or before the last accepted one (no replay).
 */
export function totpStep(secretBase32: string, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now.getTime() / 1000 / PERIOD) + delta;
}
