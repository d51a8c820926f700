import { createHash, type KeyObject } from 'node:crypto';
import { AppError } from '@dinhdanh/kernel';
import {
  children,
  decodeSingle,
  decodeTime,
  derTag,
  oidOf,
  type Tlv,
  toHex,
  validateTree,
} from '../tlv/index.ts';
import { type AlgorithmId, algorithmId, publicKeyFromSpki } from '../verify/crypto.ts';

/** An X.509 certificate reduced to what chain building and signature checks need. */
export interface Certificate {
  der: Uint8Array;
  /** SHA-256 of the DER, hex: the cache and de-duplication key. */
  fingerprint: string;
  tbs: Uint8Array;
  serialHex: string;
  issuerRaw: Uint8Array;
  subjectRaw: Uint8Array;
  issuer: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  signatureAlgorithm: AlgorithmId;
  signature: Uint8Array;
  subjectKeyId: string | undefined;
  authorityKeyId: string | undefined;
  isCa: boolean;
  /** Country (C=) of the subject, upper case, if present. */
  country: string | undefined;
}

function malformed(detail: string, cause?: unknown): AppError {
  return new AppError(
    'ERR_CARD_CERTIFICATE_MALFORMED',
    detail,
    { reason: 'malformed_certificate' },
    { cause },
  );
}

const attributeNames: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
};

function dnToText(name: Tlv): { text: string; country: string | undefined } {
  const parts: string[] = [];
  let country: string | undefined;
  for (const rdn of children(name.value)) {
    for (const atv of children(rdn.value)) {
      const [type, value] = children(atv.value);
      if (!type || !value) continue;
      const oid = oidOf(type);
      // BMPString is UTF-16BE; everything else that occurs in DNs is ASCII-compatible.
      const text =
        value.tag === 0x1e
          ? Buffer.from(value.value).swap16().toString('utf16le')
          : new TextDecoder().decode(value.value);
      if (oid === '2.5.4.6') country = text.toUpperCase();
      parts.push(`${attributeNames[oid] ?? oid}=${text}`);
    }
  }
  return { text: parts.join(', '), country };
}

export function parseCertificate(der: Uint8Array): Certificate {
  try {
    validateTree(der);
    const cert = decodeSingle(der);
    const [tbs, sigAlg, sigBits] = children(cert.value);
    if (cert.tag !== derTag.sequence || !tbs || !sigAlg || sigBits?.tag !== derTag.bitString) {
      throw malformed('not a Certificate');
    }
    const fields = children(tbs.value);
    let i = fields[0]?.tag === 0xa0 ? 1 : 0;
    const serial = fields[i++];
    i++; // inner signature algorithm (must equal the outer one; the outer one is what we check)
    const issuer = fields[i++];
    const validity = fields[i++];
    const subject = fields[i++];
    const spki = fields[i++];
    if (!serial || !issuer || !validity || !subject || !spki) throw malformed('TBSCertificate incomplete');
    const [notBefore, notAfter] = children(validity.value);
    if (!notBefore || !notAfter) throw malformed('validity incomplete');
    let subjectKeyId: string | undefined;
    let authorityKeyId: string | undefined;
    let isCa = false;
    const extensions = fields.slice(i).find((field) => field.tag === 0xa3);
    for (const ext of extensions ? children(children(extensions.value)[0]?.value ?? new Uint8Array()) : []) {
      const parts = children(ext.value);
      const id = parts[0] ? oidOf(parts[0]) : '';
      const value = parts[parts.length - 1];
      if (!value || value.tag !== derTag.octetString) continue;
      const inner = decodeSingle(value.value);
      if (id === '2.5.29.14') subjectKeyId = toHex(inner.value);
      else if (id === '2.5.29.35') {
        const keyId = children(inner.value).find((part) => part.tag === 0x80);
        if (keyId) authorityKeyId = toHex(keyId.value);
      } else if (id === '2.5.29.19') {
        const flag = children(inner.value)[0];
        isCa = flag?.tag === derTag.boolean && flag.value[0] !== 0;
      }
    }
    const subjectName = dnToText(subject);
    return {
      der,
      fingerprint: createHash('sha256').update(der).digest('hex'),
      tbs: tbs.raw,
      serialHex: toHex(serial.value)
        .replace(/^00(?=[89a-f])/, '')
        .toUpperCase(),
      issuerRaw: issuer.raw,
      subjectRaw: subject.raw,
      issuer: dnToText(issuer).text,
      subject: subjectName.text,
      notBefore: decodeTime(notBefore),
      notAfter: decodeTime(notAfter),
      spki: spki.raw,
      signatureAlgorithm: algorithmId(sigAlg),
      // BIT STRING: first octet is the count of unused bits (0 for signatures).
      signature: sigBits.value.subarray(1),
      subjectKeyId,
      authorityKeyId,
      isCa,
      country: subjectName.country,
    };
  } catch (error) {
    if (error instanceof AppError && error.code === 'ERR_CARD_CERTIFICATE_MALFORMED') throw error;
    throw malformed(error instanceof AppError ? (error.detail ?? error.code) : 'undecodable', error);
  }
}

// Parsed certificates by the SHA-256 of their DER: every SOD carries a copy of its Document
// Signer's certificate, and thousands of cards share one DS, so a repeated DS costs one hash
// instead of a tree walk, DN decoding and time parsing. Only the hash of the exact bytes is
// trusted as the key, so a changed byte is a miss and goes through the full (bounded) parser.
// The cached object owns a copy of the DER, not a view into the caller's (SOD) buffer.
// Bounded, oldest out; entries are never mutated after parsing.
const parsedCache = new Map<string, Certificate>();
const parsedCacheLimit = 4096;

/** `parseCertificate`, memoised by the SHA-256 of `der` (for certificates embedded in SODs). */
export function parseCertificateCached(der: Uint8Array): Certificate {
  const fingerprint = createHash('sha256').update(der).digest('hex');
  const cached = parsedCache.get(fingerprint);
  if (cached) return cached;
  const cert = parseCertificate(Uint8Array.from(der));
  if (parsedCache.size >= parsedCacheLimit) parsedCache.delete(parsedCache.keys().next().value as string);
  parsedCache.set(fingerprint, cert);
  return cert;
}

/** Parses DER or PEM (one or more CERTIFICATE blocks). */
export function parseCertificates(input: Uint8Array): Certificate[] {
  const text = input.length > 0 && input[0] !== 0x30 ? new TextDecoder().decode(input) : undefined;
  if (text?.includes('-----BEGIN CERTIFICATE-----')) {
    const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
    return blocks.map((block) => parseCertificate(new Uint8Array(Buffer.from(block[1] ?? '', 'base64'))));
  }
  return [parseCertificate(input)];
}

// By fingerprint, not by object: every SOD carries its own copy of the DS certificate, and
// loading a public key costs more than the hash checks of a whole card. Bounded, oldest out.
const keyCache = new Map<string, KeyObject>();
const keyCacheLimit = 4096;

/** The certificate's public key as a node:crypto key (explicit EC parameters mapped; memoised). */
export function certificateKey(cert: Certificate): KeyObject {
  let key = keyCache.get(cert.fingerprint);
  if (!key) {
    key = publicKeyFromSpki(cert.spki);
    if (keyCache.size >= keyCacheLimit) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(cert.fingerprint, key);
  }
  return key;
}
