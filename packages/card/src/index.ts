// ── verification side: TLV/DER, LDS parsers, SOD, passive/active authentication, trust store ──
export {
  assertSize,
  children,
  concatBytes,
  decodeSingle,
  decodeTlv,
  encodeInt,
  encodeLength,
  encodeOid,
  encodeTag,
  encodeTlv,
  maxDepth,
  maxFileBytes,
  maxMasterListBytes,
  type Tlv,
  type TlvFailure,
  validateTree,
} from './tlv/index.ts';
