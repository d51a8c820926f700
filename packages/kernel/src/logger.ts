import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Paths redacted from every log line. Personal identifiers and secrets never reach logs;
 * request logs carry only method, route pattern, status and the request id.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.idNumber',
  '*.fullName',
  '*.dateOfBirth',
  '*.token',
  '*.password',
  '*.phone',
  '*.email',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { service: 'dinhdanh' } },
    destination,
  );
}
