import { type Logger, pino } from 'pino';
import { prettyDestination } from './log-format.ts';

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

/**
 * `json` (production, and anything a machine reads) or `pretty`: short lines for a person at a
 * terminal (development). Both carry the same redacted fields.
 */
export type LogFormat = 'json' | 'pretty';

export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  format: LogFormat = 'json',
): Logger {
  return pino(
    { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { service: 'dinhdanh' } },
    destination ?? (format === 'pretty' ? prettyDestination() : undefined),
  );
}
