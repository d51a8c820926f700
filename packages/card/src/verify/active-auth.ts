import { constants as cryptoConstants, publicDecrypt, verify } from 'node:crypto';
import type { Dg15 } from '../lds/lds.parser.ts';
import { bytesEqual } from '../tlv/index.ts';
import { digest, type HashName } from './crypto.ts';

const ecdsaHashByOid: Record<string, HashName> = {
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** ISO/IEC 9796-2 trailer byte before 0xCC → hash (ISO/IEC 10118 identifiers). */
const trailerHash: Record<number, HashName> = {
  51: 'sha1',
  52: 'sha256',
  53: 'sha512',
  54: 'sha384',
  56: 'sha224',
};
const hashLength: Record<HashName, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/**
 * Active Authentication: the chip signed the verifier's nonce with the DG15 key.
 * RSA: ISO/IEC 9796-2 digital signature scheme 1 (message recovery; M1 recovered, nonce = M2).
 * ECDSA: plain r‖s (BSI TR-03111), hash from DG14's ActiveAuthenticationInfo or else by key size.
 */
export function verifyActiveAuthentication(
  dg15: Dg15,
  nonce: Uint8Array,
  signature: Uint8Array,
  aaSignatureAlgorithm?: string,
): boolean {
  try {
    if (dg15.keyType === 'ec') {
      const bits = Number(dg15.key.asymmetricKeyDetails?.namedCurve?.match(/\d+/)?.[0] ?? 256);
      const hash =
        (aaSignatureAlgorithm ? ecdsaHashByOid[aaSignatureAlgorithm] : undefined) ??
        (bits > 384 ? 'sha512' : bits > 256 ? 'sha384' : 'sha256');
      return verify(hash, nonce, { key: dg15.key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    const f = publicDecrypt({ key: dg15.key, padding: cryptoConstants.RSA_NO_PADDING }, signature);
    let trailerLength = 1;
    let hash: HashName = 'sha1';
    const last = f[f.length - 1];
    if (last === 0xcc) {
      trailerLength = 2;
      const named = trailerHash[f[f.length - 2] as number];
      if (!named) return false;
      hash = named;
    } else if (last !== 0xbc) return false;
    // header: '01' then the partial-recovery bit; padding nibbles are 0xB… before 0xBA (not used by chips)
    if (((f[0] as number) & 0xc0) !== 0x40) return false;
    const dLength = hashLength[hash];
    const m1 = f.subarray(1, f.length - trailerLength - dLength);
    const d = f.subarray(f.length - trailerLength - dLength, f.length - trailerLength);
    return bytesEqual(digest(hash, Buffer.concat([m1, nonce])), d);
  } catch {
    return false;
  }
}
