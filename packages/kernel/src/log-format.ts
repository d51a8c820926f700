import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const COLOURS: Record<number, string> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[41m' };
// Fields every line has, or that the line's own layout already shows.
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'component', 'reqId']);

const clock = (time: number) => new Date(time).toISOString().slice(11, 19);

function value(raw: unknown): string {
  if (typeof raw === 'string') return /\s/.test(raw) ? JSON.stringify(raw) : raw;
  if (raw && typeof raw === 'object' && 'message' in raw) return JSON.stringify((raw as Error).message);
  return JSON.stringify(raw);
}

/** One pino JSON line as a short line a person reads in a terminal. */
export function formatLogLine(line: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = Number(entry.level);
  const name = (LEVELS[level] ?? String(level)).padEnd(5);
  // Request lines: "GET /api/registry/v1/people/:idNumber 200 3 ms" (the route pattern, never the URL).
  const head =
    entry.msg === 'request' && entry.method
      ? `${entry.method} ${entry.route} ${entry.status} ${entry.ms} ms`
      : String(entry.msg ?? '');
  const rest = Object.entries(entry)
    .filter(
      ([key]) =>
        !SHOWN.has(key) && !(entry.msg === 'request' && ['method', 'route', 'status', 'ms'].includes(key)),
    )
    .map(([key, raw]) => `${key}=${value(raw)}`)
    .join(' ');
  const stack =
    level >= 50 && entry.err && typeof entry.err === 'object' && 'stack' in entry.err
      ? `\n${String((entry.err as { stack: unknown }).stack)}`
      : '';
  const text = `${clock(Number(entry.time ?? Date.now()))} ${name} ${head}${rest ? `  ${rest}` : ''}${stack}`;
  const paint = colour ? COLOURS[level] : undefined;
  return paint ? `${paint}${text}\x1b[0m` : text;
}

/**
 * A destination that prints pino's JSON lines as short readable ones (development). Redaction
 * has already happened when a line reaches it: it only changes the layout.
 */
export function prettyDestination(out: NodeJS.WritableStream = process.stdout): Writable {
  const colour = Boolean((out as { isTTY?: boolean }).isTTY) && !process.env.NO_COLOR;
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) out.write(`${formatLogLine(line, colour)}\n`);
      done();
    },
  });
}
