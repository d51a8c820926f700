// Which database failures are the caller's to retry later (the database is away or too slow),
// as opposed to a bug or bad data. The server answers both kinds with 503 and Retry-After.

/** `unavailable`: the database cannot be reached or is restarting; `timeout`: a limit ran out. */
export type DatabaseFault = 'unavailable' | 'timeout';

// SQLSTATEs: query_canceled (statement_timeout), lock_not_available (lock_timeout),
// idle_in_transaction_session_timeout.
const TIMEOUT_STATES = new Set(['57014', '55P03', '25P03']);
// admin_shutdown, crash_shutdown, cannot_connect_now (starting up, in recovery), too many
// connections, read-only standby during failover.
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '25006']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// node-postgres and pg-pool say these in words, without a code.
const TIMEOUT_MESSAGES = ['timeout exceeded when trying to connect', 'connection timeout'];
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'not queryable',
  'Client was closed',
  'Cannot use a pool after calling end',
];

/** Classifies an error thrown by a database call; undefined when it is not a fault of availability. */
export function databaseFault(error: unknown, depth = 0): DatabaseFault | undefined {
  if (!error || typeof error !== 'object' || depth > 3) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (TIMEOUT_STATES.has(code)) return 'timeout';
    if (UNAVAILABLE_STATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code))
      return 'unavailable';
  }
  if (typeof message === 'string') {
    if (TIMEOUT_MESSAGES.some((text) => message.includes(text))) return 'timeout';
    if (UNAVAILABLE_MESSAGES.some((text) => message.includes(text))) return 'unavailable';
  }
  // A connection to a name with several addresses fails with an AggregateError of each attempt;
  // Kysely and our own wrappers keep the original as `cause`.
  const nested = [...((error as { errors?: unknown[] }).errors ?? []), (error as { cause?: unknown }).cause];
  for (const inner of nested) {
    const fault = databaseFault(inner, depth + 1);
    if (fault) return fault;
  }
  return undefined;
}
