import { AppError } from '@dinhdanh/kernel';
import {
  assertSize,
  children,
  decodeSingle,
  derTag,
  maxFileBytes,
  oidOf,
  smallInt,
  validateTree,
} from '../tlv/index.ts';
import { type HashName, hashNameOf } from '../verify/crypto.ts';
import { parseSignedData, type SignedData } from './signed-data.ts';

export const ldsSecurityObjectOid = '2.23.136.1.1.1';

/** EF.SOD: the CMS envelope and the LDS security object (DG number → hash) inside it. */
export interface Sod {
  raw: Uint8Array;
  signedData: SignedData;
  ldsVersion: number;
  hashAlgorithm: HashName;
  hashAlgorithmOid: string;
  dgHashes: Map<number, Uint8Array>;
}

function malformed(detail: string, cause?: unknown): AppError {
  return new AppError('ERR_CARD_SOD_MALFORMED', detail, { reason: 'malformed_sod' }, { cause });
}

/** Parses EF.SOD (tag 77). Throws ERR_CARD_SOD_MALFORMED, ERR_CARD_INPUT_TOO_LARGE or ERR_CARD_UNSUPPORTED_ALGORITHM. */
export function parseSod(bytes: Uint8Array): Sod {
  assertSize(bytes, maxFileBytes);
  let outer: ReturnType<typeof decodeSingle>;
  try {
    validateTree(bytes);
    outer = decodeSingle(bytes);
  } catch (error) {
    throw malformed(error instanceof AppError ? (error.detail ?? error.code) : 'undecodable', error);
  }
  if (outer.tag !== 0x77) throw malformed(`EF.SOD tag ${outer.tag.toString(16)}`);
  const signedData = parseSignedData(outer.value, 'ERR_CARD_SOD_MALFORMED');
  if (signedData.eContentType !== ldsSecurityObjectOid) {
    throw malformed(`eContentType ${signedData.eContentType}`);
  }
  try {
    const lso = decodeSingle(signedData.eContent);
    const [version, alg, table] = children(lso.value);
    if (!version || !alg || table?.tag !== derTag.sequence) throw malformed('LDSSecurityObject incomplete');
    const algOid = children(alg.value)[0];
    if (!algOid) throw malformed('hash algorithm missing');
    const hashAlgorithmOid = oidOf(algOid);
    const dgHashes = new Map<number, Uint8Array>();
    for (const entry of children(table.value)) {
      const [number, hash] = children(entry.value);
      if (!number || hash?.tag !== derTag.octetString) throw malformed('DataGroupHash incomplete');
      const dg = smallInt(number);
      if (dg < 1 || dg > 16 || dgHashes.has(dg)) throw malformed(`DG number ${dg}`);
      dgHashes.set(dg, hash.value);
    }
    return {
      raw: bytes,
      signedData,
      ldsVersion: smallInt(version),
      hashAlgorithm: hashNameOf(hashAlgorithmOid),
      hashAlgorithmOid,
      dgHashes,
    };
  } catch (error) {
    if (error instanceof AppError && error.code !== 'ERR_CARD_TLV_MALFORMED') throw error;
    throw malformed(error instanceof AppError ? (error.detail ?? error.code) : 'undecodable', error);
  }
}
