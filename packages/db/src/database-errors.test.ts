import { describe, expect, it } from 'vitest';
import { databaseFault } from './database-errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('databaseFault', () => {
  it('names the limits that ran out as timeouts', () => {
    expect(databaseFault(withCode('57014', 'canceling statement due to statement timeout'))).toBe('timeout');
    expect(databaseFault(withCode('55P03', 'canceling statement due to lock timeout'))).toBe('timeout');
    expect(databaseFault(new Error('timeout exceeded when trying to connect'))).toBe('timeout');
  });

  it('names a database that is away, restarting or refusing as unavailable', () => {
    expect(databaseFault(withCode('57P01', 'terminating connection due to administrator command'))).toBe(
      'unavailable',
    );
    expect(databaseFault(withCode('57P03', 'the database system is starting up'))).toBe('unavailable');
    expect(databaseFault(withCode('08006'))).toBe('unavailable');
    expect(databaseFault(withCode('ECONNREFUSED'))).toBe('unavailable');
    expect(databaseFault(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(databaseFault(new AggregateError([withCode('ECONNREFUSED')], 'connect failed'))).toBe(
      'unavailable',
    );
    expect(databaseFault(new Error('wrapped', { cause: withCode('57P01') }))).toBe('unavailable');
  });

  it('leaves bugs and bad data alone', () => {
    expect(databaseFault(withCode('23505', 'duplicate key'))).toBeUndefined();
    expect(databaseFault(withCode('42P01', 'relation does not exist'))).toBeUndefined();
    expect(databaseFault(new TypeError('x is undefined'))).toBeUndefined();
    expect(databaseFault(undefined)).toBeUndefined();
  });
});
