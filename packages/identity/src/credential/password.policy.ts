import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppError, foldVietnamese } from '@dinhdanh/kernel';

/**
 * NIST SP 800-63B-4 (DOMAIN.md): at least 8 characters because a password here is always one
 * factor of two (SMS or TOTP follows it); 64 and more allowed, up to 256; no composition rules;
 * common passwords and the holder's own ID number, phone and date of birth refused.
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

let blocklist: Set<string> | undefined;

function commonPasswords(): Set<string> {
  blocklist ??= new Set(
    readFileSync(fileURLToPath(new URL('../../data/common-passwords.txt', import.meta.url)), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#')),
  );
  return blocklist;
}

export interface PasswordContext {
  idNumber?: string | null | undefined;
  phone?: string | null | undefined;
  /** YYYY-MM-DD */
  dateOfBirth?: string | null | undefined;
}

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `the password is shorter than ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `the password is longer than ${PASSWORD_MAX} characters`;
  const folded = foldVietnamese(password).replace(/\s+/g, '');
  const common = commonPasswords();
  // "matkhau2025!" is as weak as "matkhau": strip trailing digits and symbols too.
  const stem = folded.replace(/[\d\W_]+$/u, '');
  if (common.has(folded) || (stem.length >= 3 && common.has(stem))) return 'the password is too common';
  if (/^(.)\1*$/u.test(folded)) return 'the password repeats one character';
  const digits = password.replace(/\D/g, '');
  for (const secret of personalStrings(context)) {
    if (secret.length >= 6 && (password.includes(secret) || digits.includes(secret)))
      return 'the password contains your ID number, phone number or date of birth';
  }
  return undefined;
}

function personalStrings(context: PasswordContext): string[] {
  const out: string[] = [];
  if (context.idNumber) out.push(context.idNumber);
  if (context.phone) {
    const national = context.phone.replace(/^\+84/, '0');
    out.push(national, national.replace(/^0/, ''));
  }
  if (context.dateOfBirth) {
    const [y, m, d] = context.dateOfBirth.split('-');
    out.push(`${y}${m}${d}`, `${d}${m}${y}`, `${m}${d}${y}`);
  }
  return out;
}

/** Throws ERR_PASSWORD_WEAK with the reason. */
export function assertPasswordAcceptable(password: string, context: PasswordContext = {}): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new AppError('ERR_PASSWORD_WEAK', problem);
}
