import { describe, expect, it } from 'vitest';
import { formatLogLine } from './log-format.ts';

describe('formatLogLine (development logs)', () => {
  it('shows a request as one short line with the route pattern', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.parse('2026-12-07T01:02:03Z'),
      pid: 1,
      hostname: 'h',
      service: 'dinhdanh',
      component: 'http',
      reqId: 'abc',
      method: 'GET',
      route: '/api/registry/v1/people/:idNumber',
      status: 503,
      ms: 12,
      msg: 'request',
    });
    expect(formatLogLine(line, false)).toBe('01:02:03 INFO  GET /api/registry/v1/people/:idNumber 503 12 ms');
  });

  it('keeps the other fields as key=value, colours warnings and errors for a terminal', () => {
    const line = JSON.stringify({ level: 40, time: 0, msg: 'database connection lost', code: '57P01' });
    expect(formatLogLine(line, false)).toBe('00:00:00 WARN  database connection lost  code=57P01');
    const coloured = formatLogLine(line, true);
    expect(coloured.startsWith('\u001b[33m')).toBe(true);
    expect(coloured.endsWith('\u001b[0m')).toBe(true);
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(formatLogLine('plain text', false)).toBe('plain text');
  });
});
