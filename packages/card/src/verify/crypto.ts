import {
  createHash,
  createPublicKey,
  constants as cryptoConstants,
  type KeyObject,
  verify,
} from 'node:crypto';
import { AppError } from '@dinhdanh/kernel';
import {
  bytesEqual,
  children,
  decodeSingle,
  derTag,
  encodeOid,
  encodeTlv,
  oidOf,
  smallInt,
  stripLeadingZeros,
  type Tlv,
} from '../tlv/index.ts';
import { explicitCurves } from './curves.ts';

export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

const hashByOid: Record<string, HashName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const rsaPkcs1: Record<string, HashName> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const ecdsa: Record<string, HashName> = {
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const rsaEncryption = '1.2.840.113549.1.1.1';
const rsaPss = '1.2.840.113549.1.1.10';
const ecPublicKey = '1.2.840.10045.2.1';

export function unsupported(what: string): AppError {
  return new AppError('ERR_CARD_UNSUPPORTED_ALGORITHM', what, { reason: 'unsupported_algorithm' });
}

export function hashNameOf(oid: string): HashName {
  const name = hashByOid[oid];
  if (!name) throw unsupported(`digest ${oid}`);
  return name;
}

export function digest(name: HashName, data: Uint8Array): Buffer {
  return createHash(name).update(data).digest();
}

/** An AlgorithmIdentifier: its OID and the parameters element, if any. */
export interface AlgorithmId {
  oid: string;
  params: Tlv | undefined;
}

export function algorithmId(tlv: Tlv): AlgorithmId {
  const [oid, params] = children(tlv.value);
  if (!oid)
    throw new AppError('ERR_CARD_TLV_MALFORMED', 'empty AlgorithmIdentifier', { reason: 'unexpected_tag' });
  return { oid: oidOf(oid), params: params && params.tag !== derTag.null ? params : undefined };
}

/**
 * Loads a SubjectPublicKeyInfo. EC keys with explicit domain parameters (frequent on passports and
 * in master lists) are mapped to the named curve whose p, a, b, G and n they equal and re-encoded
 * with that curve's OID, because node:crypto/OpenSSL 3 refuses most explicit-parameter keys.
 */
export function publicKeyFromSpki(spki: Uint8Array): KeyObject {
  const outer = decodeSingle(spki);
  const [alg, bits] = children(outer.value);
  if (!alg || !bits)
    throw new AppError('ERR_CARD_TLV_MALFORMED', 'bad SubjectPublicKeyInfo', { reason: 'truncated' });
  const id = algorithmId(alg);
  let der = spki;
  if (id.oid === ecPublicKey && id.params?.tag === derTag.sequence) {
    const curveOid = namedCurveFor(id.params);
    der = encodeTlv(derTag.sequence, [
      encodeTlv(derTag.sequence, [encodeOid(ecPublicKey), encodeOid(curveOid)]),
      bits.raw,
    ]);
  }
  try {
    return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new AppError(
      'ERR_CARD_UNSUPPORTED_ALGORITHM',
      `public key ${id.oid}`,
      { reason: 'unsupported_key' },
      { cause },
    );
  }
}

interface CurveParts {
  p: Uint8Array;
  a: Uint8Array;
  b: Uint8Array;
  g: Uint8Array;
  n: Uint8Array;
}

function curveParts(params: Tlv): CurveParts {
  const [, fieldId, curve, base, order] = children(params.value);
  if (!fieldId || !curve || !base || !order) throw unsupported('EC parameters incomplete');
  const [, prime] = children(fieldId.value);
  const [a, b] = children(curve.value);
  if (!prime || !a || !b) throw unsupported('EC field or curve incomplete');
  return {
    p: stripLeadingZeros(prime.value),
    a: stripLeadingZeros(a.value),
    b: stripLeadingZeros(b.value),
    g: base.value,
    n: stripLeadingZeros(order.value),
  };
}

const knownCurves = explicitCurves.map((curve) => ({
  oid: curve.oid,
  name: curve.name,
  parts: curveParts(decodeSingle(Uint8Array.from(Buffer.from(curve.params, 'hex')))),
}));

/** Compares the base point by x-coordinate too, so a compressed G still matches. */
function sameBase(g1: Uint8Array, g2: Uint8Array): boolean {
  if (bytesEqual(g1, g2)) return true;
  const size = (Math.max(g1.length, g2.length) - 1) / 2;
  return bytesEqual(g1.subarray(1, 1 + size), g2.subarray(1, 1 + size));
}

export function namedCurveFor(params: Tlv): string {
  const parts = curveParts(params);
  const match = knownCurves.find(
    (known) =>
      bytesEqual(known.parts.p, parts.p) &&
      bytesEqual(known.parts.a, parts.a) &&
      bytesEqual(known.parts.b, parts.b) &&
      bytesEqual(known.parts.n, parts.n) &&
      sameBase(known.parts.g, parts.g),
  );
  if (!match) throw unsupported('explicit EC parameters of an unknown curve');
  return match.oid;
}

/** RSASSA-PSS-params: hash [0], MGF [1], salt length [2] (defaults SHA-1, MGF1-SHA-1, 20). */
function pssParams(params: Tlv | undefined): { hash: HashName; saltLength: number } {
  let hash: HashName = 'sha1';
  let mgfHash: HashName = 'sha1';
  let saltLength = 20;
  for (const field of params ? children(params.value) : []) {
    const [inner] = children(field.value);
    if (!inner) continue;
    if (field.tag === 0xa0) hash = hashNameOf(algorithmId(inner).oid);
    else if (field.tag === 0xa1) {
      const mgf = algorithmId(inner);
      if (mgf.oid !== '1.2.840.113549.1.1.8' || !mgf.params) throw unsupported(`MGF ${mgf.oid}`);
      mgfHash = hashNameOf(algorithmId(mgf.params).oid);
    } else if (field.tag === 0xa2) saltLength = smallInt(inner);
  }
  // node:crypto uses the signature hash for MGF1 too.
  if (mgfHash !== hash) throw unsupported(`PSS with MGF1-${mgfHash} and ${hash}`);
  return { hash, saltLength };
}

/**
 * Verifies a CMS/X.509 signature (ECDSA signatures DER-encoded). `digestOid` is the SignerInfo's
 * digest algorithm, needed when the signature algorithm names only the key type
 * (rsaEncryption, ecPublicKey), as some passports do.
 */
export function verifySignature(
  algorithm: AlgorithmId,
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
  digestOid?: string,
): boolean {
  const { oid } = algorithm;
  try {
    if (oid === rsaPss) {
      const { hash, saltLength } = pssParams(algorithm.params);
      return verify(
        hash,
        data,
        { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength },
        signature,
      );
    }
    const rsaHash = rsaPkcs1[oid] ?? (oid === rsaEncryption && digestOid ? hashNameOf(digestOid) : undefined);
    if (rsaHash) return verify(rsaHash, data, { key, padding: cryptoConstants.RSA_PKCS1_PADDING }, signature);
    const ecHash = ecdsa[oid] ?? (oid === ecPublicKey && digestOid ? hashNameOf(digestOid) : undefined);
    if (ecHash) return verify(ecHash, data, { key, dsaEncoding: 'der' }, signature);
  } catch (error) {
    if (error instanceof AppError) throw error;
    // OpenSSL throws on a key/algorithm mismatch or a garbled signature: that is a bad signature.
    return false;
  }
  throw unsupported(`signature ${oid}`);
}

/** Human name of a signature algorithm for the result object. */
export function signatureAlgorithmName(algorithm: AlgorithmId, digestOid?: string): string {
  if (algorithm.oid === rsaPss) {
    try {
      const { hash, saltLength } = pssParams(algorithm.params);
      return `rsassa-pss-${hash}-salt${saltLength}`;
    } catch {
      return 'rsassa-pss';
    }
  }
  const rsa = rsaPkcs1[algorithm.oid];
  if (rsa) return `rsa-pkcs1-${rsa}`;
  const ec = ecdsa[algorithm.oid];
  if (ec) return `ecdsa-${ec}`;
  const d = digestOid ? hashByOid[digestOid] : undefined;
  if (algorithm.oid === rsaEncryption) return `rsa-pkcs1-${d ?? '?'}`;
  if (algorithm.oid === ecPublicKey) return `ecdsa-${d ?? '?'}`;
  return algorithm.oid;
}
