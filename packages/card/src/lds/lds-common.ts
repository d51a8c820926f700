import { AppError } from '@dinhdanh/kernel';
import { assertSize, decodeSingle, maxFileBytes, type Tlv, validateTree } from '../tlv/index.ts';

/** File tag of each data group (ICAO 9303-10, table 34). */
export const dgTags: Record<number, number> = {
  1: 0x61,
  2: 0x75,
  3: 0x63,
  4: 0x76,
  5: 0x65,
  6: 0x66,
  7: 0x67,
  8: 0x68,
  9: 0x69,
  10: 0x6a,
  11: 0x6b,
  12: 0x6c,
  13: 0x6d,
  14: 0x6e,
  15: 0x6f,
  16: 0x70,
};

export function ldsError(file: string, detail: string, cause?: unknown): AppError {
  return new AppError(
    'ERR_CARD_LDS_MALFORMED',
    `${file}: ${detail}`,
    { reason: `malformed_${file}` },
    { cause },
  );
}

/** Bounds-checks a whole LDS file and returns its outer TLV; any TLV fault becomes `malformed_<file>`. */
export function openLdsFile(bytes: Uint8Array, tag: number, file: string): Tlv {
  assertSize(bytes, maxFileBytes);
  try {
    validateTree(bytes);
    const outer = decodeSingle(bytes);
    if (outer.tag !== tag)
      throw ldsError(file, `tag ${outer.tag.toString(16)}, expected ${tag.toString(16)}`);
    return outer;
  } catch (error) {
    if (error instanceof AppError && error.code === 'ERR_CARD_LDS_MALFORMED') throw error;
    throw ldsError(file, error instanceof AppError ? (error.detail ?? error.code) : 'undecodable', error);
  }
}

/** Runs a parser body, turning stray TLV errors into the file's catalogued error. */
export function guard<T>(file: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (
      error instanceof AppError &&
      (error.code === 'ERR_CARD_LDS_MALFORMED' || error.code === 'ERR_CARD_INPUT_TOO_LARGE')
    ) {
      throw error;
    }
    throw ldsError(file, error instanceof AppError ? (error.detail ?? error.code) : 'undecodable', error);
  }
}
