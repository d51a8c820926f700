import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditEntryInput, canonicalJson, prepareEntry, subjectKey } from './audit-entry.ts';

const now = new Date('2026-03-01T08:00:00.000Z');
const text = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
  .filter((s) => !s.includes('\u0000'));
const json = fc.jsonValue({ maxDepth: 3 }).filter((value) => !JSON.stringify(value).includes('\\u0000'));

describe('canonical entries', () => {
  it('the hand-written envelope equals RFC 8785 canonicalisation of the whole entry (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          recordedAt: fc.date({
            min: new Date('1900-01-01'),
            max: new Date('2999-12-31'),
            noInvalidDate: true,
          }),
          actor: fc.record({
            kind: fc.constantFrom('officer', 'citizen', 'agency', 'system'),
            id: text,
            unit: fc.option(text),
          }),
          action: fc.constantFrom(
            'registry.person.read',
            'registry.birth_registered',
            'identity.account_locked',
          ),
          subjectKey: fc.option(
            fc
              .uint8Array({ minLength: 32, maxLength: 32 })
              .map((bytes) => Buffer.from(bytes).toString('hex')),
          ),
          purpose: fc.option(text),
          legalBasis: fc.option(text),
          details: fc.dictionary(fc.string(), json),
        }),
        (input) => {
          const prepared = prepareEntry(input as AuditEntryInput, now);
          const whole = { ...prepared.entry, details: JSON.parse(prepared.detailsJson) };
          expect(prepared.canonical).toBe(canonicalJson(whole));
          expect(JSON.parse(prepared.canonical)).toEqual(whole);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('sorts keys by UTF-16 code units and writes numbers the ECMAScript way', () => {
    const { canonical } = prepareEntry(
      {
        actor: { kind: 'system', id: 'x' },
        action: 'audit.test',
        details: { '€': 1, '\u0080': 2, b: [1e21, 0.000001, -0, 1.5e-7], a: { z: null, é: 'ễ' } },
      },
      now,
    );
    expect(canonical).toContain(
      '"details":{"a":{"z":null,"é":"ễ"},"b":[1e+21,0.000001,0,1.5e-7],"\u0080":2,"€":1}',
    );
  });

  it('refuses what PostgreSQL or RFC 8785 cannot hold', () => {
    const base = { actor: { kind: 'system' as const, id: 'x' }, action: 'audit.test' };
    expect(() => prepareEntry({ ...base, details: { a: '\u0000' } }, now)).toThrow(/U\+0000/);
    expect(() => prepareEntry({ ...base, purpose: 'x\ud800' }, now)).toThrow(/surrogate/);
    expect(() => prepareEntry({ ...base, details: { n: Number.NaN } }, now)).toThrow();
    expect(() => prepareEntry({ ...base, subjectKey: '001090000001' }, now)).toThrow();
  });

  it('makes a stable pseudonym from an ID number and refuses anything else', () => {
    const key = new Uint8Array(32).fill(1);
    expect(subjectKey(key, '001090000001')).toBe(subjectKey(key, '001090000001'));
    expect(subjectKey(key, '001090000001')).not.toBe(subjectKey(new Uint8Array(32).fill(2), '001090000001'));
    expect(() => subjectKey(key, 'abc')).toThrow();
  });
});
