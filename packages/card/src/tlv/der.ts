import { concatBytes, encodeTlv, type Tlv, tlvError } from './tlv.ts';

/** DER universal tags used by the LDS, CMS and X.509 code. */
export const derTag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Dotted OID string of an OBJECT IDENTIFIER value. */
export function decodeOid(value: Uint8Array): string {
  if (value.length === 0 || value.length > 64) throw tlvError('unexpected_tag', 'bad OID length');
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const b = value[i] as number;
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) throw tlvError('length_overflow', 'OID arc too large');
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = n < 80 ? Math.floor(n / 40) : 2;
        parts.push(first, n - first * 40);
      } else parts.push(n);
      n = 0;
    } else if (i === value.length - 1) throw tlvError('truncated', 'OID ends mid-arc');
  }
  return parts.join('.');
}

export function oidOf(tlv: Tlv): string {
  if (tlv.tag !== derTag.oid) throw tlvError('unexpected_tag', 'expected OID');
  return decodeOid(tlv.value);
}

export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const body: number[] = [];
  const all = [(arcs[0] as number) * 40 + (arcs[1] as number), ...arcs.slice(2)];
  for (const arc of all) {
    const chunk: number[] = [arc & 0x7f];
    let a = Math.floor(arc / 128);
    while (a > 0) {
      chunk.unshift((a & 0x7f) | 0x80);
      a = Math.floor(a / 128);
    }
    body.push(...chunk);
  }
  return encodeTlv(derTag.oid, Uint8Array.from(body));
}

/** Small non-negative INTEGER value (versions, DG numbers, field numbers). */
export function smallInt(tlv: Tlv): number {
  if (tlv.tag !== derTag.integer || tlv.value.length === 0 || tlv.value.length > 6) {
    throw tlvError('unexpected_tag', 'expected a small INTEGER');
  }
  let n = 0;
  for (const b of tlv.value) n = n * 256 + b;
  return n;
}

export function encodeInt(n: number): Uint8Array {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return encodeTlv(derTag.integer, Uint8Array.from(bytes));
}

/** Unsigned big-endian magnitude without leading zeros (for comparing INTEGERs and field elements). */
export function stripLeadingZeros(value: Uint8Array): Uint8Array {
  let i = 0;
  while (i < value.length - 1 && value[i] === 0) i++;
  return value.subarray(i);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** UTCTime / GeneralizedTime (the forms X.509 and CMS allow: Z, seconds present). */
export function decodeTime(tlv: Tlv): Date {
  const text = new TextDecoder('latin1').decode(tlv.value);
  const utc = tlv.tag === derTag.utcTime ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(text) : null;
  if (utc) {
    const yy = Number(utc[1]);
    const year = yy >= 50 ? 1900 + yy : 2000 + yy;
    return new Date(
      Date.UTC(year, Number(utc[2]) - 1, Number(utc[3]), Number(utc[4]), Number(utc[5]), Number(utc[6] ?? 0)),
    );
  }
  const gen =
    tlv.tag === derTag.generalizedTime
      ? /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d+)?Z$/.exec(text)
      : null;
  if (gen) {
    return new Date(
      Date.UTC(
        Number(gen[1]),
        Number(gen[2]) - 1,
        Number(gen[3]),
        Number(gen[4]),
        Number(gen[5]),
        Number(gen[6]),
      ),
    );
  }
  throw tlvError('unexpected_tag', 'bad time');
}

export { concatBytes };
