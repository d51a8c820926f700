import { AppError } from '@dinhdanh/kernel';
import { parseSignedData } from '../sod/signed-data.ts';
import {
  assertSize,
  children,
  decodeSingle,
  derTag,
  maxMasterListBytes,
  smallInt,
  toHex,
} from '../tlv/index.ts';
import { digest, hashNameOf, verifySignature } from '../verify/crypto.ts';
import { type Certificate, certificateKey, parseCertificate, parseCertificates } from './certificate.ts';
import { type Crl, parseCrl } from './crl.ts';

/**
 * Trust anchors (CSCA certificates, or a Document Signer itself for test sets without a CSCA)
 * and CRLs. `signedBy` caches "this certificate's signature verifies under that anchor" by
 * fingerprint, so a Document Signer seen again costs no public-key operation.
 */
export interface TrustStore {
  anchors: Map<string, Certificate>;
  bySubject: Map<string, Certificate[]>;
  bySubjectKeyId: Map<string, Certificate[]>;
  crls: Crl[];
  signedBy: Map<string, string>;
  /**
   * Bumped by every change through `addTrustAnchor` / `addCrl`: `verifyCard` caches a Document
   * Signer's chain and CRL verdicts per (DS fingerprint, generation), so a new anchor or CRL is
   * never answered from a verdict made without it.
   */
  generation: number;
}

export function createTrustStore(): TrustStore {
  return {
    anchors: new Map(),
    bySubject: new Map(),
    bySubjectKeyId: new Map(),
    crls: [],
    signedBy: new Map(),
    generation: 0,
  };
}

function push(map: Map<string, Certificate[]>, key: string, cert: Certificate): void {
  const list = map.get(key);
  if (list) list.push(cert);
  else map.set(key, [cert]);
}

/** Adds one anchor; returns false when it was already there. */
export function addTrustAnchor(store: TrustStore, cert: Certificate): boolean {
  if (store.anchors.has(cert.fingerprint)) return false;
  store.anchors.set(cert.fingerprint, cert);
  store.generation++;
  push(store.bySubject, toHex(cert.subjectRaw), cert);
  if (cert.subjectKeyId) push(store.bySubjectKeyId, cert.subjectKeyId, cert);
  return true;
}

export function addCrl(store: TrustStore, der: Uint8Array): Crl {
  const crl = parseCrl(der);
  store.crls.push(crl);
  store.generation++;
  return crl;
}

/** Anchors that may have issued `cert` (by issuer name or authority key identifier). */
export function issuerCandidates(store: TrustStore, cert: Certificate): Certificate[] {
  const byName = store.bySubject.get(toHex(cert.issuerRaw)) ?? [];
  const byKey = cert.authorityKeyId ? (store.bySubjectKeyId.get(cert.authorityKeyId) ?? []) : [];
  return [...new Set([...byName, ...byKey])];
}

/** Finds the anchor whose key verifies `cert`'s signature (memoised by fingerprint). */
export function findIssuer(store: TrustStore, cert: Certificate): Certificate | undefined {
  const cached = store.signedBy.get(cert.fingerprint);
  if (cached) return store.anchors.get(cached);
  for (const candidate of issuerCandidates(store, cert)) {
    let ok = false;
    try {
      ok = verifySignature(cert.signatureAlgorithm, certificateKey(candidate), cert.tbs, cert.signature);
    } catch {
      ok = false;
    }
    if (ok) {
      store.signedBy.set(cert.fingerprint, candidate.fingerprint);
      return candidate;
    }
  }
  return undefined;
}

export interface MasterListImport {
  certificates: Certificate[];
  added: number;
  signer: { subject: string; issuer: string; serialHex: string | undefined } | undefined;
  /** 'verified' only when the list's signer chains to an anchor already in the store. */
  signature: 'verified' | 'invalid' | 'signer_untrusted';
  signingTime: Date | undefined;
}

export const cscaMasterListOid = '2.23.136.1.1.2';

/** Imports an ICAO CSCA master list (≤ 16 MiB). Its own signature is checked against the store first. */
export function importMasterList(store: TrustStore, bytes: Uint8Array): MasterListImport {
  assertSize(bytes, maxMasterListBytes);
  const sd = parseSignedData(bytes, 'ERR_CARD_MASTER_LIST_MALFORMED');
  if (sd.eContentType !== cscaMasterListOid) {
    throw new AppError('ERR_CARD_MASTER_LIST_MALFORMED', `eContentType ${sd.eContentType}`, {
      reason: 'malformed_master_list',
    });
  }
  let certificates: Certificate[];
  try {
    const [version, set] = children(decodeSingle(sd.eContent).value);
    if (!version || smallInt(version) !== 0 || set?.tag !== derTag.set) throw new Error('CscaMasterList');
    certificates = children(set.value).map((cert) => parseCertificate(cert.raw));
  } catch (cause) {
    throw new AppError(
      'ERR_CARD_MASTER_LIST_MALFORMED',
      'CscaMasterList',
      { reason: 'malformed_master_list' },
      { cause },
    );
  }
  const signerCert = sd.certificates.find(
    (cert) =>
      (sd.signer.serialHex === cert.serialHex &&
        sd.signer.issuerRaw &&
        toHex(sd.signer.issuerRaw) === toHex(cert.issuerRaw)) ||
      (sd.signer.subjectKeyId !== undefined && sd.signer.subjectKeyId === cert.subjectKeyId),
  );
  let signature: MasterListImport['signature'] = 'signer_untrusted';
  if (signerCert) {
    const attrsOk =
      !sd.signer.signedAttributes ||
      (sd.signer.messageDigest !== undefined &&
        digest(hashNameOf(sd.signer.digestAlgorithm), sd.eContent).equals(sd.signer.messageDigest));
    const sigOk =
      attrsOk &&
      verifySignature(
        sd.signer.signatureAlgorithm,
        certificateKey(signerCert),
        sd.signer.signedAttributes ?? sd.eContent,
        sd.signer.signature,
        sd.signer.digestAlgorithm,
      );
    if (!sigOk) signature = 'invalid';
    else if (store.anchors.has(signerCert.fingerprint) || findIssuer(store, signerCert))
      signature = 'verified';
  }
  let added = 0;
  for (const cert of certificates) if (addTrustAnchor(store, cert)) added++;
  return {
    certificates,
    added,
    signer: signerCert
      ? { subject: signerCert.subject, issuer: signerCert.issuer, serialHex: signerCert.serialHex }
      : undefined,
    signature,
    signingTime: sd.signer.signingTime,
  };
}

/** A trust file: a master list (CMS), a certificate (DER/PEM, possibly several) or a CRL. */
export function importTrustFile(
  store: TrustStore,
  bytes: Uint8Array,
):
  | { kind: 'master_list'; masterList: MasterListImport }
  | { kind: 'certificates'; added: number }
  | { kind: 'crl' } {
  const text = bytes[0] === 0x30 ? '' : new TextDecoder().decode(bytes.subarray(0, 64));
  if (text.includes('-----BEGIN X509 CRL-----')) {
    const body = new TextDecoder().decode(bytes).replace(/-----[^-]+-----/g, '');
    addCrl(store, new Uint8Array(Buffer.from(body, 'base64')));
    return { kind: 'crl' };
  }
  if (bytes[0] === 0x30 && looksLikeContentInfo(bytes)) {
    return { kind: 'master_list', masterList: importMasterList(store, bytes) };
  }
  if (bytes[0] === 0x30 && looksLikeCrl(bytes)) {
    addCrl(store, bytes);
    return { kind: 'crl' };
  }
  let added = 0;
  for (const cert of parseCertificates(bytes)) if (addTrustAnchor(store, cert)) added++;
  return { kind: 'certificates', added };
}

function looksLikeContentInfo(bytes: Uint8Array): boolean {
  try {
    return children(decodeSingle(bytes).value)[0]?.tag === derTag.oid;
  } catch {
    return false;
  }
}

/** A CRL's TBS has no [0] version tag and its third field is a time; a certificate's has a serial. */
function looksLikeCrl(bytes: Uint8Array): boolean {
  try {
    const [tbs] = children(decodeSingle(bytes).value);
    const fields = tbs ? children(tbs.value) : [];
    const i =
      fields[0]?.tag === derTag.integer &&
      fields[1]?.tag === derTag.sequence &&
      fields[2]?.tag === derTag.sequence
        ? 3
        : 2;
    const t = fields[i]?.tag;
    return fields[0]?.tag !== 0xa0 && (t === derTag.utcTime || t === derTag.generalizedTime);
  } catch {
    return false;
  }
}
