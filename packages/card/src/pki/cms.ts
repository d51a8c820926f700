import { createHash } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  id_signedData,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { id_sha256 } from '@peculiar/asn1-rsa';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { type Certificate, Time } from '@peculiar/asn1-x509';
import { derOctetString, derOid, derSetOf } from '../issue/der.ts';
import { signatureAlgorithm, signData } from './algorithms.ts';
import type { Issuer } from './certificates.ts';

const id_contentType = '1.2.840.113549.1.9.3';
const id_messageDigest = '1.2.840.113549.1.9.4';
const id_signingTime = '1.2.840.113549.1.9.5';

const buffer = (bytes: Uint8Array): ArrayBuffer => new Uint8Array(bytes).buffer;

/**
 * CMS SignedData (RFC 5652) as ICAO 9303 uses it for EF.SOD and master lists: one signer
 * identified by issuer and serial, SHA-256, signed attributes content-type + message-digest +
 * signing-time, the signer's certificate embedded.
 */
export function signCms(input: {
  eContentType: string;
  eContent: Uint8Array;
  signer: Issuer;
  signingTime: Date;
  /** Certificates to embed besides the signer's (a master list's chain, none for an SOD). */
  extraCertificates?: readonly Certificate[];
}): Uint8Array {
  const digest = createHash('sha256').update(input.eContent).digest();
  const attributes = [
    [id_contentType, derOid(input.eContentType)],
    [id_messageDigest, derOctetString(digest)],
    [id_signingTime, new Uint8Array(AsnConvert.serialize(new Time(input.signingTime)))],
  ] as const;
  const encoded = attributes.map(
    ([type, value]) =>
      new Uint8Array(AsnConvert.serialize(new Attribute({ attrType: type, attrValues: [buffer(value)] }))),
  );
  // The signature covers the attributes as an explicit SET OF in DER order (RFC 5652 §5.4);
  // the same order is written into the [0] IMPLICIT field so a verifier re-encodes the same bytes.
  const signedAttrsDer = derSetOf(encoded);
  const sorted = [...encoded]
    .sort((a, b) => Buffer.compare(a, b))
    .map((der) => AsnConvert.parse(der, Attribute));
  const algorithm = signatureAlgorithm(input.signer.algorithm);
  const signature = signData(input.signer.algorithm, input.signer.privateKey, signedAttrsDer);
  const tbs = input.signer.certificate.tbsCertificate;
  const signerInfo = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: tbs.issuer,
        serialNumber: tbs.serialNumber,
      }),
    }),
    digestAlgorithm: new DigestAlgorithmIdentifier({ algorithm: id_sha256 }),
    signedAttrs: sorted,
    signatureAlgorithm: algorithm,
    signature: new OctetString(signature),
  });
  const signedData = new SignedData({
    version: CMSVersion.v3,
    digestAlgorithms: new DigestAlgorithmIdentifiers([
      new DigestAlgorithmIdentifier({ algorithm: id_sha256 }),
    ]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: input.eContentType,
      eContent: new EncapsulatedContent({ single: new OctetString(input.eContent) }),
    }),
    certificates: new CertificateSet(
      [input.signer.certificate, ...(input.extraCertificates ?? [])].map(
        (certificate) => new CertificateChoices({ certificate }),
      ),
    ),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return new Uint8Array(
    AsnConvert.serialize(
      new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) }),
    ),
  );
}
