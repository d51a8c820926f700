import { AppError } from '@dinhdanh/kernel';

/**
 * BER-TLV / DER for ICAO 9303 files. Hand-written rather than a generic ASN.1 library because
 * verification must be fast (the parse must cost less than the signature check) and because every
 * malformed input must end in one catalogued error, never a RangeError or a hang.
 *
 * Limits (documented in the README):
 * - one chip file (EF.COM, DG, EF.SOD) ≤ 1 MiB (`maxFileBytes`); a master list ≤ 16 MiB;
 * - nesting depth ≤ 32; tags ≤ 3 bytes; lengths ≤ 4 length octets and never past the input;
 * - indefinite lengths are refused (DER, and no chip uses them).
 */
export const maxFileBytes = 1024 * 1024;
export const maxMasterListBytes = 16 * 1024 * 1024;
export const maxDepth = 32;

/** One decoded TLV. `value` is a view into the input (no copy); `raw` is the whole element. */
export interface Tlv {
  /** The tag bytes as a number, e.g. 0x30, 0x5f1f, 0x7f61. */
  tag: number;
  constructed: boolean;
  value: Uint8Array;
  raw: Uint8Array;
  /** Offset of the element in the buffer it was decoded from. */
  offset: number;
}

export type TlvFailure =
  | 'empty'
  | 'truncated'
  | 'tag_too_long'
  | 'indefinite_length'
  | 'length_overflow'
  | 'non_minimal_length'
  | 'depth_exceeded'
  | 'trailing_bytes'
  | 'unexpected_tag';

export function tlvError(reason: TlvFailure, detail?: string): AppError {
  return new AppError('ERR_CARD_TLV_MALFORMED', detail ?? reason, { reason });
}

/** Refuses inputs above the documented bound before any parsing. */
export function assertSize(bytes: Uint8Array, limit: number = maxFileBytes): void {
  if (bytes.length > limit) {
    throw new AppError('ERR_CARD_INPUT_TOO_LARGE', `${bytes.length} bytes > ${limit}`, {
      reason: 'too_large',
      limit,
    });
  }
}

/** Decodes the TLV at `offset`. With `der`, non-minimal long-form lengths are refused. */
export function decodeTlv(bytes: Uint8Array, offset = 0, der = false): Tlv {
  const end = bytes.length;
  if (offset >= end) throw tlvError(offset === 0 ? 'empty' : 'truncated');
  let p = offset;
  const first = bytes[p++] as number;
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    let n = 0;
    let b: number;
    do {
      if (p >= end) throw tlvError('truncated');
      b = bytes[p++] as number;
      tag = tag * 256 + b;
      if (++n > 2) throw tlvError('tag_too_long');
    } while (b & 0x80);
  }
  if (p >= end) throw tlvError('truncated');
  const l0 = bytes[p++] as number;
  let length: number;
  if (l0 < 0x80) length = l0;
  else if (l0 === 0x80) throw tlvError('indefinite_length');
  else {
    const count = l0 & 0x7f;
    if (count > 4) throw tlvError('length_overflow');
    if (p + count > end) throw tlvError('truncated');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[p++] as number);
    if (der && (length < 0x80 || (count > 1 && bytes[p - count] === 0))) throw tlvError('non_minimal_length');
  }
  if (length > end - p) throw tlvError(length > maxMasterListBytes ? 'length_overflow' : 'truncated');
  return {
    tag,
    constructed: (first & 0x20) !== 0,
    value: bytes.subarray(p, p + length),
    raw: bytes.subarray(offset, p + length),
    offset,
  };
}

/** Decodes exactly one TLV filling `bytes` (trailing bytes are an error). */
export function decodeSingle(bytes: Uint8Array, der = false): Tlv {
  const tlv = decodeTlv(bytes, 0, der);
  if (tlv.raw.length !== bytes.length) throw tlvError('trailing_bytes');
  return tlv;
}

/** The TLVs inside a constructed value, in order. */
export function children(value: Uint8Array, der = false): Tlv[] {
  const out: Tlv[] = [];
  let p = 0;
  while (p < value.length) {
    const tlv = decodeTlv(value, p, der);
    out.push(tlv);
    p += tlv.raw.length;
  }
  return out;
}

/** Like `decodeSingle` but also checks the expected tag. */
export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) {
    throw tlvError(
      'unexpected_tag',
      `${what}: expected tag ${tag.toString(16)}, got ${tlv?.tag.toString(16)}`,
    );
  }
  return tlv;
}

/**
 * Walks the whole tree (constructed elements recursively) so that a structure nested deeper than
 * `maxDepth` or with a bad inner length is rejected up front. Iterative: no stack overflow.
 */
export function validateTree(bytes: Uint8Array, limit = maxDepth): void {
  const stack: { value: Uint8Array; p: number }[] = [{ value: bytes, p: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { value: Uint8Array; p: number };
    if (top.p >= top.value.length) {
      stack.pop();
      continue;
    }
    const tlv = decodeTlv(top.value, top.p);
    top.p += tlv.raw.length;
    if (tlv.constructed && tlv.value.length > 0) {
      if (stack.length >= limit) throw tlvError('depth_exceeded');
      stack.push({ value: tlv.value, p: 0 });
    }
  }
}

// ── encoding ──

/** Tag bytes for a tag number as written in the specs (0x61, 0x5f1f, 0x7f61…). */
export function encodeTag(tag: number): Uint8Array {
  const out: number[] = [];
  let t = tag;
  do {
    out.unshift(t & 0xff);
    t = Math.floor(t / 256);
  } while (t > 0);
  return Uint8Array.from(out);
}

/** DER length octets (minimal form). */
export function encodeLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) {
    throw tlvError('length_overflow', `cannot encode length ${length}`);
  }
  if (length < 0x80) return Uint8Array.of(length);
  const out: number[] = [];
  let l = length;
  while (l > 0) {
    out.unshift(l & 0xff);
    l = Math.floor(l / 256);
  }
  return Uint8Array.from([0x80 | out.length, ...out]);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/** Encodes one TLV; a list of values is concatenated (the children of a constructed element). */
export function encodeTlv(tag: number, value: Uint8Array | readonly Uint8Array[]): Uint8Array {
  const body = value instanceof Uint8Array ? value : concatBytes(value);
  return concatBytes([encodeTag(tag), encodeLength(body.length), body]);
}
