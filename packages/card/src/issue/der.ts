import { concatBytes, encodeTlv } from '../tlv/tlv.ts';

/**
 * The few DER primitives the LDS encoders need, on top of the shared TLV encoder. Certificates
 * and CMS go through @peculiar/asn1-*; these cover the ICAO-specific structures (DG13,
 * LDSSecurityObject, CscaMasterList) that have no schema class there.
 */
export function derInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`unsupported INTEGER ${value}`);
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return encodeTlv(0x02, Uint8Array.from(bytes));
}

export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const chunk = [arc & 0x7f];
    let rest7 = Math.floor(arc / 128);
    while (rest7 > 0) {
      chunk.unshift((rest7 & 0x7f) | 0x80);
      rest7 = Math.floor(rest7 / 128);
    }
    out.push(...chunk);
  }
  return encodeTlv(0x06, Uint8Array.from(out));
}

export const derUtf8 = (text: string) => encodeTlv(0x0c, new TextEncoder().encode(text.normalize('NFC')));
export const derPrintable = (text: string) => encodeTlv(0x13, new TextEncoder().encode(text));
export const derOctetString = (bytes: Uint8Array) => encodeTlv(0x04, bytes);
export const derSequence = (...parts: Uint8Array[]) => encodeTlv(0x30, parts);

/** SET OF in DER order: elements sorted by their encodings (X.690 §11.6). */
export function derSetOf(parts: readonly Uint8Array[]): Uint8Array {
  return encodeTlv(0x31, [...parts].sort(compareBytes));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

export { concatBytes, encodeTlv };
