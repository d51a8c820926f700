import { AppError } from '@dinhdanh/kernel';
import { children, decodeSingle, decodeTime, derTag, toHex, validateTree } from '../tlv/index.ts';
import { type AlgorithmId, algorithmId } from '../verify/crypto.ts';

/** A CRL from a CSCA: the revoked Document Signer serials and when they were revoked. */
export interface Crl {
  der: Uint8Array;
  tbs: Uint8Array;
  issuerRaw: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  /** serial (upper-case hex) → revocation date */
  revoked: Map<string, Date>;
  signatureAlgorithm: AlgorithmId;
  signature: Uint8Array;
}

export function parseCrl(der: Uint8Array): Crl {
  try {
    validateTree(der);
    const [tbs, sigAlg, sigBits] = children(decodeSingle(der).value);
    if (!tbs || !sigAlg || sigBits?.tag !== derTag.bitString) throw new Error('not a CRL');
    const fields = children(tbs.value);
    let i = fields[0]?.tag === derTag.integer ? 1 : 0;
    i++; // signature algorithm
    const issuer = fields[i++];
    const thisUpdate = fields[i++];
    if (!issuer || !thisUpdate) throw new Error('TBSCertList incomplete');
    let nextUpdate: Date | undefined;
    const maybeNext = fields[i];
    if (maybeNext && (maybeNext.tag === derTag.utcTime || maybeNext.tag === derTag.generalizedTime)) {
      nextUpdate = decodeTime(maybeNext);
      i++;
    }
    const revoked = new Map<string, Date>();
    const list = fields[i];
    if (list?.tag === derTag.sequence) {
      for (const entry of children(list.value)) {
        const [serial, date] = children(entry.value);
        if (!serial || !date) throw new Error('revoked entry incomplete');
        revoked.set(
          toHex(serial.value)
            .replace(/^00(?=[89a-f])/, '')
            .toUpperCase(),
          decodeTime(date),
        );
      }
    }
    return {
      der,
      tbs: tbs.raw,
      issuerRaw: issuer.raw,
      thisUpdate: decodeTime(thisUpdate),
      nextUpdate,
      revoked,
      signatureAlgorithm: algorithmId(sigAlg),
      signature: sigBits.value.subarray(1),
    };
  } catch (cause) {
    throw new AppError(
      'ERR_CARD_CERTIFICATE_MALFORMED',
      'malformed CRL',
      { reason: 'malformed_crl' },
      { cause },
    );
  }
}
