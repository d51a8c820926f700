import { createHash, type KeyObject, randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CertificateList,
  Extension,
  Extensions,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
  id_ce_keyUsage,
  id_ce_privateKeyUsagePeriod,
  id_ce_subjectKeyIdentifier,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  PrivateKeyUsagePeriod,
  RelativeDistinguishedName,
  RevokedCertificate,
  SubjectKeyIdentifier,
  TBSCertificate,
  TBSCertList,
  Time,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { derInteger } from '../issue/der.ts';
import { type CardAlgorithm, publicKeyInfo, signatureAlgorithm, signData } from './algorithms.ts';

/** Who signs: the CSCA's (or a DS's) certificate and key. */
export interface Issuer {
  algorithm: CardAlgorithm;
  certificate: Certificate;
  privateKey: KeyObject;
}

/** ICAO 9303-12 §7.1: CSCA certificates are valid long enough to cover every DS they sign. */
export const CSCA_VALIDITY_YEARS = 15;
/** The CSCA key signs DS certificates for its first years only (private key usage period). */
export const CSCA_USAGE_YEARS = 5;
/** A Document Signer signs cards for about three months (ICAO recommends ≤ 3 months for eMRTDs). */
export const DS_USAGE_MONTHS = 3;
/**
 * A DS certificate must outlast every card it signed; a card is valid at most ~11 years (issued
 * 2 years before 14, valid to 25), so usage + 11 years. Cards without expiry (holders over 60)
 * are verified against the DS validity at signing time, as ICAO allows for long-lived documents.
 */
export const DS_CARD_VALIDITY_YEARS = 11;

const addMonths = (at: Date, months: number) => {
  const date = new Date(at.getTime());
  date.setUTCMonth(date.getUTCMonth() + months);
  return date;
};

/** A positive serial number of 16 random bytes (RFC 5280 allows ≤ 20 octets). */
function serialNumber(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01;
  return new Uint8Array(bytes).buffer;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subject public key bits. */
export function keyIdentifier(certificateOrKey: Certificate | KeyObject): Uint8Array {
  const spki =
    certificateOrKey instanceof Certificate
      ? certificateOrKey.tbsCertificate.subjectPublicKeyInfo
      : publicKeyInfo(certificateOrKey);
  return createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest();
}

const nameAttributes: Record<string, string> = {
  C: '2.5.4.6',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  L: '2.5.4.7',
  SERIALNUMBER: '2.5.4.5',
};

/**
 * `C=VN, O=…, CN=…` → Name, country as PrintableString (RFC 5280), the rest UTF8String.
 * Written here rather than with @peculiar/x509, whose import needs a reflect-metadata polyfill.
 * Values may not contain commas; the platform's own subjects never do.
 */
export function parseName(text: string): Name {
  return new Name(
    text.split(',').map((part) => {
      const [key = '', ...rest] = part.split('=');
      const type = nameAttributes[key.trim().toUpperCase()];
      const value = rest.join('=').trim();
      if (!type || !value) throw new Error(`unsupported name attribute in ${text}`);
      const attributeValue =
        type === '2.5.4.6'
          ? new AttributeValue({ printableString: value })
          : new AttributeValue({ utf8String: value });
      return new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: attributeValue })]);
    }),
  );
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function usagePeriod(from: Date, to: Date): Extension {
  return extension(
    id_ce_privateKeyUsagePeriod,
    false,
    new PrivateKeyUsagePeriod({ notBefore: from, notAfter: to }),
  );
}

function signCertificate(tbs: TBSCertificate, issuer: { algorithm: CardAlgorithm; privateKey: KeyObject }) {
  const signature = signData(issuer.algorithm, issuer.privateKey, new Uint8Array(AsnConvert.serialize(tbs)));
  return new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: tbs.signature,
    signatureValue: new Uint8Array(signature).buffer,
  });
}

/** A self-signed CSCA certificate (ICAO 9303-12 §7.1.1 profile). */
export function createCscaCertificate(input: {
  algorithm: CardAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  subject: string;
  notBefore: Date;
}): Certificate {
  const notAfter = addMonths(input.notBefore, CSCA_VALIDITY_YEARS * 12);
  const name = parseName(input.subject);
  const keyId = keyIdentifier(input.publicKey);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    signature: signatureAlgorithm(input.algorithm),
    issuer: name,
    validity: new Validity({ notBefore: input.notBefore, notAfter }),
    subject: name,
    subjectPublicKeyInfo: publicKeyInfo(input.publicKey),
    extensions: new Extensions([
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
      // pathLen 0: a CSCA signs DS certificates (and link certificates) only, no sub-CAs.
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId)),
      extension(
        id_ce_authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId) }),
      ),
      usagePeriod(input.notBefore, addMonths(input.notBefore, CSCA_USAGE_YEARS * 12)),
    ]),
  });
  return signCertificate(tbs, input);
}

/**
 * A Document Signer certificate (ICAO 9303-12 §7.1.1: digitalSignature only, no extended key
 * usage, not a CA). The optional document type list extension is omitted: the DS signs ID cards only.
 */
export function createDocumentSignerCertificate(input: {
  issuer: Issuer;
  publicKey: KeyObject;
  subject: string;
  notBefore: Date;
}): Certificate {
  const usageEnd = addMonths(input.notBefore, DS_USAGE_MONTHS);
  const cscaEnd = input.issuer.certificate.tbsCertificate.validity.notAfter.getTime().getTime();
  // Never outlive the CSCA: a verifier would find no valid chain for the tail end.
  const wanted = addMonths(usageEnd, DS_CARD_VALIDITY_YEARS * 12);
  const notAfter = wanted.getTime() > cscaEnd ? new Date(cscaEnd) : wanted;
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    signature: signatureAlgorithm(input.issuer.algorithm),
    issuer: input.issuer.certificate.tbsCertificate.subject,
    validity: new Validity({ notBefore: input.notBefore, notAfter }),
    subject: parseName(input.subject),
    subjectPublicKeyInfo: publicKeyInfo(input.publicKey),
    extensions: new Extensions([
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
      extension(
        id_ce_authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({
          keyIdentifier: new KeyIdentifier(keyIdentifier(input.issuer.certificate)),
        }),
      ),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(input.publicKey))),
      usagePeriod(input.notBefore, usageEnd),
    ]),
  });
  return signCertificate(tbs, input.issuer);
}

/** CRLReason codes used for Document Signers (RFC 5280 §5.3.1). */
export const crlReasons = {
  unspecified: 0,
  keyCompromise: 1,
  superseded: 4,
  cessationOfOperation: 5,
} as const;
export type CrlReason = keyof typeof crlReasons;

export interface RevokedSigner {
  /** Serial number, hex. */
  serial: string;
  revokedAt: Date;
  reason: CrlReason;
}

/** A CSCA-signed CRL listing revoked Document Signers (ICAO 9303-12 §7.1.3 profile: v2, CRL number, AKI). */
export function createCrl(input: {
  issuer: Issuer;
  revoked: readonly RevokedSigner[];
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
}): CertificateList {
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: signatureAlgorithm(input.issuer.algorithm),
    issuer: input.issuer.certificate.tbsCertificate.subject,
    thisUpdate: new Time(input.thisUpdate),
    nextUpdate: new Time(input.nextUpdate),
    crlExtensions: new Extensions([
      extension(
        id_ce_authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({
          keyIdentifier: new KeyIdentifier(keyIdentifier(input.issuer.certificate)),
        }),
      ),
      new Extension({
        extnID: id_ce_cRLNumber,
        critical: false,
        extnValue: new OctetString(derInteger(input.crlNumber)),
      }),
    ]),
  });
  if (input.revoked.length > 0)
    tbs.revokedCertificates = input.revoked.map(
      (entry) =>
        new RevokedCertificate({
          userCertificate: new Uint8Array(Buffer.from(entry.serial, 'hex')).buffer,
          revocationDate: new Time(entry.revokedAt),
          crlEntryExtensions: new Extensions([
            new Extension({
              extnID: id_ce_cRLReasons,
              critical: false,
              extnValue: new OctetString(Uint8Array.of(0x0a, 0x01, crlReasons[entry.reason])),
            }),
          ]),
        }),
    );
  const signature = signData(
    input.issuer.algorithm,
    input.issuer.privateKey,
    new Uint8Array(AsnConvert.serialize(tbs)),
  );
  return new CertificateList({
    tbsCertList: tbs,
    signatureAlgorithm: tbs.signature,
    signature: new Uint8Array(signature).buffer,
  });
}

export function certificateDer(certificate: Certificate | CertificateList): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(certificate));
}

export function toPem(der: Uint8Array, label: 'CERTIFICATE' | 'X509 CRL' = 'CERTIFICATE'): string {
  const base64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${base64.trimEnd()}\n-----END ${label}-----\n`;
}

export function fromPem(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

export function parseCertificate(der: Uint8Array): Certificate {
  return AsnConvert.parse(der, Certificate);
}

export function serialHex(certificate: Certificate): string {
  return Buffer.from(certificate.tbsCertificate.serialNumber).toString('hex');
}
