/** Field checks the server repeats; here they only spare a round trip. */

export function isIdNumber(value: string): boolean {
  return /^\d{12}$/.test(value.trim());
}

/** Codes may be typed with spaces ("123 456"). */
export function normaliseCode(value: string): string {
  return value.replace(/\s+/g, '');
}

export function isOtpCode(value: string): boolean {
  return /^\d{6}$/.test(value);
}

/** Vietnamese mobile numbers: 0 + 9 digits, or +84 + 9 digits. */
export function normalisePhone(value: string): string {
  return value.replace(/[\s.-]/g, '');
}

export function isPhone(value: string): boolean {
  return /^(0|\+84)\d{9}$/.test(normalisePhone(value));
}

/** The browser's WebAuthn call failed or was cancelled (not an API error). */
export class WebAuthnFailure extends Error {
  constructor() {
    super('webauthn');
    this.name = 'WebAuthnFailure';
  }
}

export const MIN_PASSWORD_LENGTH = 8;

/** The SMS states the code's validity in whole minutes (identity's sendOtp); the page says the same. */
export function codeValidMinutes(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(seconds / 60);
}
