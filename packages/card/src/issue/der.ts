import { concatBytes, encodeInt, encodeOid, encodeTlv } from '../tlv/index.ts';

/**
 * The few DER primitives the LDS encoders need, on top of the shared TLV encoder. Certificates
 * and CMS go through @peculiar/asn1-*; these cover the ICAO-specific structures (DG13,
 * LDSSecurityObject, CscaMasterList) that have no schema class there.
 */
/** Re-exported under issuance names: the TLV module owns the primitive encoders. */
export const derInteger = encodeInt;
export const derOid = encodeOid;

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
