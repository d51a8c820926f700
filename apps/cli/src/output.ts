import { AppError, errorCatalogue, isAppError } from '@dinhdanh/kernel';

/** Prints a value as stable, pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Reports an error on stderr and sets the exit status: 1 for a catalogued error, 70 for a bug. */
export function reportError(error: unknown): void {
  if (isAppError(error)) {
    const entry = errorCatalogue[error.code];
    process.stderr.write(
      `${error.code}: ${entry.vi} / ${entry.en}${error.detail ? `\n  ${error.detail}` : ''}\n`,
    );
    process.exitCode = 1;
    return;
  }
  process.stderr.write(
    `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 70;
}

export function usageError(message: string): never {
  throw new AppError('ERR_VALIDATION', message);
}

/** Parses a positive integer option or fails with a clear message. */
export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) usageError(`--${name} must be a non-negative integer`);
  return n;
}
