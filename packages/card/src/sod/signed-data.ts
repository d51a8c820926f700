import { AppError, type ErrorCode } from '@dinhdanh/kernel';
import {
  children,
  decodeSingle,
  decodeTime,
  derTag,
  oidOf,
  smallInt,
  type Tlv,
  toHex,
} from '../tlv/index.ts';
import { type Certificate, parseCertificateCached } from '../trust/certificate.ts';
import { type AlgorithmId, algorithmId } from '../verify/crypto.ts';

/** CMS SignedData with one signer, as used by EF.SOD and CSCA master lists. */
export interface SignedData {
  version: number;
  eContentType: string;
  eContent: Uint8Array;
  certificates: Certificate[];
  signer: SignerInfo;
}

export interface SignerInfo {
  /** Issuer DN bytes and serial (hex) when the signer is named by IssuerAndSerialNumber. */
  issuerRaw: Uint8Array | undefined;
  serialHex: string | undefined;
  subjectKeyId: string | undefined;
  digestAlgorithm: string;
  /** The signed attributes re-tagged as SET (0x31): exactly the bytes the signature covers. */
  signedAttributes: Uint8Array | undefined;
  contentType: string | undefined;
  messageDigest: Uint8Array | undefined;
  signingTime: Date | undefined;
  signatureAlgorithm: AlgorithmId;
  signature: Uint8Array;
}

const signedDataOid = '1.2.840.113549.1.7.2';

/** Parses ContentInfo(SignedData); every structural fault becomes `code` (a catalogued error). */
export function parseSignedData(contentInfo: Uint8Array, code: ErrorCode): SignedData {
  const fail = (detail: string, cause?: unknown) =>
    new AppError(
      code,
      detail,
      { reason: code === 'ERR_CARD_SOD_MALFORMED' ? 'malformed_sod' : 'malformed_master_list' },
      { cause },
    );
  try {
    const info = decodeSingle(contentInfo);
    const [type, explicit] = children(info.value);
    if (info.tag !== derTag.sequence || !type || oidOf(type) !== signedDataOid || explicit?.tag !== 0xa0) {
      throw fail('not a CMS SignedData');
    }
    const sd = decodeSingle(explicit.value);
    const parts = children(sd.value);
    const [version, , encap] = parts;
    if (!version || !encap || encap.tag !== derTag.sequence) throw fail('SignedData incomplete');
    const [eType, eExplicit] = children(encap.value);
    const eOctets = eExplicit?.tag === 0xa0 ? decodeSingle(eExplicit.value) : undefined;
    if (!eType || eOctets?.tag !== derTag.octetString) throw fail('encapsulated content missing');
    const certificates = parts
      .filter((part) => part.tag === 0xa0)
      .flatMap((set) => children(set.value))
      .filter((cert) => cert.tag === derTag.sequence)
      // Memoised by hash: the same Document Signer comes embedded in every SOD it signed.
      .map((cert) => parseCertificateCached(cert.raw));
    const signerSet = parts[parts.length - 1];
    if (!signerSet || signerSet.tag !== derTag.set) throw fail('signerInfos missing');
    const signers = children(signerSet.value);
    if (signers.length !== 1) throw fail(`expected one signer, found ${signers.length}`);
    return {
      version: smallInt(version),
      eContentType: oidOf(eType),
      eContent: eOctets.value,
      certificates,
      signer: parseSignerInfo(signers[0] as Tlv, fail),
    };
  } catch (error) {
    if (error instanceof AppError && error.code === code) throw error;
    throw fail(error instanceof AppError ? (error.detail ?? error.code) : 'undecodable', error);
  }
}

function parseSignerInfo(tlv: Tlv, fail: (detail: string) => AppError): SignerInfo {
  const parts = children(tlv.value);
  const [, sid, digestAlg] = parts;
  if (!sid || !digestAlg) throw fail('SignerInfo incomplete');
  let i = 3;
  const attrs = parts[i]?.tag === 0xa0 ? parts[i++] : undefined;
  const sigAlg = parts[i++];
  const signature = parts[i++];
  if (!sigAlg || signature?.tag !== derTag.octetString) throw fail('SignerInfo signature missing');
  let issuerRaw: Uint8Array | undefined;
  let serialHex: string | undefined;
  let subjectKeyId: string | undefined;
  if (sid.tag === derTag.sequence) {
    const [issuer, serial] = children(sid.value);
    if (!issuer || !serial) throw fail('IssuerAndSerialNumber incomplete');
    issuerRaw = issuer.raw;
    serialHex = toHex(serial.value)
      .replace(/^00(?=[89a-f])/, '')
      .toUpperCase();
  } else if (sid.tag === 0x80) subjectKeyId = toHex(sid.value);
  else throw fail('unknown SignerIdentifier');
  let contentType: string | undefined;
  let messageDigest: Uint8Array | undefined;
  let signingTime: Date | undefined;
  let signedAttributes: Uint8Array | undefined;
  if (attrs) {
    // The signature covers the DER of the attributes with the universal SET tag, not [0].
    signedAttributes = Uint8Array.from(attrs.raw);
    signedAttributes[0] = derTag.set;
    for (const attr of children(attrs.value)) {
      const [type, values] = children(attr.value);
      const value = values ? children(values.value)[0] : undefined;
      if (!type || !value) throw fail('signed attribute incomplete');
      const oid = oidOf(type);
      if (oid === '1.2.840.113549.1.9.3') contentType = oidOf(value);
      else if (oid === '1.2.840.113549.1.9.4') messageDigest = value.value;
      else if (oid === '1.2.840.113549.1.9.5') signingTime = decodeTime(value);
    }
  }
  return {
    issuerRaw,
    serialHex,
    subjectKeyId,
    digestAlgorithm: algorithmId(digestAlg).oid,
    signedAttributes,
    contentType,
    messageDigest,
    signingTime,
    signatureAlgorithm: algorithmId(sigAlg),
    signature: signature.value,
  };
}
