import { describe, expect, it } from 'vitest';
import { exchangeEn } from '../../i18n/exchange.en.ts';
import { exchangeVi } from '../../i18n/exchange.vi.ts';
import { emptyForm, parseJwks, type RegistrationForm, validateRegistration } from './agency-form.ts';
import { documentKinds, exchangeEventTypes, exchangeFields, exchangeScopes } from './exchange.types.ts';
import { exchangeEventTypeLabel } from './exchange-labels.ts';
import { countByStatus, pivotUsage } from './exchange-summaries.ts';

const publicKey = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};

function filled(patch: Partial<RegistrationForm> = {}): RegistrationForm {
  const form = emptyForm();
  return {
    ...form,
    name: '  Tổng cục Thuế ',
    scopes: ['exchange.lookup', 'exchange.verify'],
    purposes: [
      {
        ...form.purposes[0]!,
        code: 'tax.registration',
        description: 'Đăng ký thuế',
        legalBasis: 'Luật Quản lý thuế 2019',
        fields: ['sex', 'fullName'],
      },
    ],
    jwks: JSON.stringify({ keys: [publicKey] }),
    ...patch,
  };
}

describe('agency registration form', () => {
  it('builds the API body: trimmed, catalogue order, null legal basis when consent is needed', () => {
    const form = filled();
    form.purposes.push({
      key: 99,
      code: 'tax.refund',
      description: 'Hoàn thuế',
      needsConsent: true,
      legalBasis: 'ignored',
      fields: [],
    });
    const { errors, registration } = validateRegistration(form);
    expect(errors).toEqual({});
    expect(registration).toEqual({
      name: 'Tổng cục Thuế',
      scopes: ['exchange.verify', 'exchange.lookup'],
      purposes: [
        {
          code: 'tax.registration',
          description: 'Đăng ký thuế',
          legalBasis: 'Luật Quản lý thuế 2019',
          fields: ['fullName', 'sex'],
        },
        { code: 'tax.refund', description: 'Hoàn thuế', legalBasis: null, fields: [] },
      ],
      eventTypes: [],
      documentKinds: [],
      ratePerSecond: 200,
      quotaPerDay: 10_000_000,
      jwks: { keys: [publicKey] },
    });
  });

  it('marks each wrong input and sends nothing', () => {
    const form = filled({ name: ' ', scopes: [], ratePerSecond: '', quotaPerDay: 1.5, jwks: '{"keys": []}' });
    form.purposes = [
      { ...form.purposes[0]!, code: 'Tax Registration' },
      { key: 7, code: 'a.b', description: '', needsConsent: false, legalBasis: ' ', fields: [] },
      { key: 8, code: 'a.b', description: 'x', needsConsent: true, legalBasis: '', fields: [] },
    ];
    const { errors, registration } = validateRegistration(form);
    expect(registration).toBeUndefined();
    expect(errors).toEqual({
      name: true,
      scopes: true,
      purposes: [{ code: 'invalid' }, { description: true, legalBasis: true }, { code: 'duplicate' }],
      ratePerSecond: true,
      quotaPerDay: true,
      jwks: 'invalid',
    });
  });

  it('refuses a JWKS with private or symmetric key material', () => {
    expect(parseJwks(JSON.stringify({ keys: [{ ...publicKey, d: 'secret' }] }))).toBe('private');
    expect(parseJwks(JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }))).toBe('private');
    expect(parseJwks('not json')).toBe('invalid');
    expect(parseJwks('{"keys": [{"crv": "P-256"}]}')).toBe('invalid');
    expect(parseJwks(JSON.stringify({ keys: [publicKey] }))).toEqual({ keys: [publicKey] });
  });
});

describe('exchange summaries', () => {
  it('spreads usage into one column per operation, newest day first', () => {
    const items = [
      { agencyId: 'b', day: '2026-11-20', operation: 'verify', count: 5 },
      { agencyId: 'a', day: '2026-11-21', operation: 'lookup', count: 2 },
      { agencyId: 'a', day: '2026-11-21', operation: 'verify', count: 3 },
      { agencyId: 'a', day: '2026-11-20', operation: 'verify', count: 1 },
    ];
    const daily = pivotUsage(items, true);
    expect(daily.operations).toEqual(['lookup', 'verify']);
    expect(daily.rows.map((row) => [row.day, row.agencyId, row.total])).toEqual([
      ['2026-11-21', 'a', 5],
      ['2026-11-20', 'a', 1],
      ['2026-11-20', 'b', 5],
    ]);
    const totals = pivotUsage(items, false);
    expect(totals.rows.map((row) => [row.agencyId, row.counts.get('verify'), row.total])).toEqual([
      ['a', 4, 6],
      ['b', 5, 5],
    ]);
  });

  it('counts jobs per status, zeros included', () => {
    const job = {
      agencyId: 'a',
      purpose: 'p',
      recordsTotal: 1,
      recordsDone: 0,
      counts: {},
      createdAt: '',
      finishedAt: null,
    };
    expect(
      countByStatus([
        { ...job, jobId: '1', status: 'done' },
        { ...job, jobId: '2', status: 'done' },
        { ...job, jobId: '3', status: 'matching' },
      ]),
    ).toEqual({ uploading: 0, queued: 0, matching: 1, done: 2, failed: 0 });
  });
});

describe('exchange strings', () => {
  it('label every catalogue value in both languages', () => {
    for (const strings of [exchangeVi, exchangeEn]) {
      expect(Object.keys(strings.field).sort()).toEqual([...exchangeFields].sort());
      expect(Object.keys(strings.documentKind).sort()).toEqual([...documentKinds].sort());
      expect(
        Object.keys(strings.scope)
          .map((key) => `exchange.${key}`)
          .sort(),
      ).toEqual([...exchangeScopes].sort());
      expect(Object.keys(strings.eventType)).toHaveLength(exchangeEventTypes.length);
    }
    // Every event type reaches a key of its own (the codes' dots and underscores are mapped).
    const keyOf = (key: string) => key;
    for (const type of exchangeEventTypes) {
      expect(exchangeEventTypeLabel(keyOf, type)).toMatch(/^eventType\.[a-zA-Z]+$/);
    }
  });
});
