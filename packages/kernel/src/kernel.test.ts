import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { AppError, toProblem } from './errors.ts';
import { foldVietnamese } from './text.ts';

describe('foldVietnamese', () => {
  it('folds case, diacritics, đ and spacing', () => {
    expect(foldVietnamese('  Nguyễn   Thị  Đào ')).toBe('nguyen thi dao');
    expect(foldVietnamese('ĐẶNG VĂN ƯỚC')).toBe('dang van uoc');
    // Decomposed (NFD) input folds the same as composed.
    expect(foldVietnamese('Nguyễn'.normalize('NFD'))).toBe('nguyen');
  });
});

describe('config', () => {
  it('has development defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: 'development',
      port: 3000,
      host: '127.0.0.1',
      roles: ['registry', 'audit', 'idp', 'card', 'exchange', 'web'],
    });
    expect(config.dataDir.endsWith('data/pg')).toBe(true);
  });

  it('refuses to start in production without a database and a token secret', () => {
    expect(() => loadConfig({ DINHDANH_MODE: 'production' })).toThrowError(
      /DATABASE_URL.*DINHDANH_OFFICER_TOKEN_SECRET/,
    );
  });

  it('refuses the development SMS outbox and biometric adapters in production', () => {
    const env = {
      DINHDANH_MODE: 'production',
      DATABASE_URL: 'postgres://db/x',
      DINHDANH_OFFICER_TOKEN_SECRET: 'x'.repeat(43),
    };
    expect(() => loadConfig({ ...env, DINHDANH_SMS_GATEWAY: 'development' })).toThrowError(/smsGateway/);
    expect(() => loadConfig({ ...env, DINHDANH_BIOMETRIC_MATCHER: 'development' })).toThrowError(
      /biometricMatcher/,
    );
    expect(() => loadConfig(env)).toThrowError(/DINHDANH_SMS_GATEWAY_URL/);
    const config = loadConfig({
      ...env,
      DINHDANH_SMS_GATEWAY_URL: 'https://sms.example/send',
      DINHDANH_BIOMETRIC_MATCHER_URL: 'https://match.example/v1',
    });
    expect(config.smsGateway).toBe('http');
  });

  it('rejects invalid values with every problem listed', () => {
    try {
      loadConfig({ PORT: 'eighty', DINHDANH_ROLES: 'registry,teapot' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).detail).toMatch(/port/);
      expect((error as AppError).detail).toMatch(/roles/);
    }
  });
});

describe('problem details', () => {
  it('renders RFC 9457 with the code and both languages, hiding 5xx details', () => {
    const problem = toProblem(new AppError('ERR_PERSON_NOT_FOUND', 'no such person'), 'en', 'req-1');
    expect(problem).toMatchObject({
      status: 404,
      code: 'ERR_PERSON_NOT_FOUND',
      title: 'The person was not found.',
      detail: 'no such person',
      instance: 'req-1',
    });
    expect(problem.messages.vi).toBe('Không tìm thấy công dân.');
    const internal = toProblem(new AppError('ERR_INTERNAL', 'stack trace with secrets'));
    expect(internal.detail).toBeUndefined();
  });
});
