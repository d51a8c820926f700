import { AppError } from '@dinhdanh/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeOid, encodeOid } from './der.ts';
import {
  assertSize,
  children,
  decodeSingle,
  decodeTlv,
  encodeLength,
  encodeTlv,
  maxDepth,
  validateTree,
} from './tlv.ts';

const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).extra?.reason;
  }
  return 'no error';
};

describe('TLV', () => {
  it('encodes lengths minimally and round-trips tags', () => {
    expect([...encodeLength(0x7f)]).toEqual([0x7f]);
    expect([...encodeLength(0x80)]).toEqual([0x81, 0x80]);
    expect([...encodeLength(0x1234)]).toEqual([0x82, 0x12, 0x34]);
    const dg1 = encodeTlv(0x61, encodeTlv(0x5f1f, new Uint8Array(90)));
    const outer = decodeSingle(dg1, true);
    expect(outer.tag).toBe(0x61);
    expect(children(outer.value)[0]?.tag).toBe(0x5f1f);
    expect(children(outer.value)[0]?.value.length).toBe(90);
  });

  it('rejects truncation, overflow, indefinite length, depth, size', () => {
    expect(reason(() => decodeTlv(Uint8Array.of(0x30, 0x05, 1)))).toBe('truncated');
    expect(reason(() => decodeTlv(Uint8Array.of(0x30, 0x85, 1, 2, 3, 4, 5)))).toBe('length_overflow');
    expect(reason(() => decodeTlv(Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff)))).toBe(
      'length_overflow',
    );
    expect(reason(() => decodeTlv(Uint8Array.of(0x30, 0x80, 0, 0)))).toBe('indefinite_length');
    expect(reason(() => decodeTlv(Uint8Array.of(0x30, 0x81, 0x01, 0)))).toBe('no error');
    expect(reason(() => decodeTlv(Uint8Array.of(0x30, 0x81, 0x01, 0), 0, true))).toBe('non_minimal_length');
    expect(reason(() => decodeSingle(Uint8Array.of(0x04, 0x00, 0x00)))).toBe('trailing_bytes');
    let nested: Uint8Array = Uint8Array.of(0x05, 0x00);
    for (let i = 0; i < maxDepth + 2; i++) nested = encodeTlv(0x30, nested);
    expect(reason(() => validateTree(nested))).toBe('depth_exceeded');
    expect(reason(() => assertSize(new Uint8Array(10), 5))).toBe('too_large');
  });

  it('round-trips OIDs', () => {
    for (const oid of [
      '2.23.136.1.1.1',
      '1.2.840.113549.1.7.2',
      '1.0.10646.1.0.8',
      '2.16.840.1.101.3.4.2.1',
    ]) {
      expect(decodeOid(encodeOid(oid).subarray(2))).toBe(oid);
    }
  });

  it('property: arbitrary bytes decode or fail with the catalogued error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          validateTree(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: encode then decode is the identity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x5f7f }), fc.uint8Array({ maxLength: 600 }), (tag, value) => {
        fc.pre(
          (tag & 0x1f) !== 0x1f && tag < 0x100
            ? true
            : tag >= 0x1f00 && ((tag >> 8) & 0x1f) === 0x1f && (tag & 0x80) === 0,
        );
        const tlv = decodeSingle(encodeTlv(tag, value), true);
        expect(tlv.tag).toBe(tag);
        expect([...tlv.value]).toEqual([...value]);
      }),
    );
  });
});
