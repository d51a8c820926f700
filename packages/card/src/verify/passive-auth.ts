import { AppError } from '@dinhdanh/kernel';
import {
  type Dg13,
  type Dg14,
  type Dg15,
  parseDg1,
  parseDg13,
  parseDg14,
  parseDg15,
} from '../lds/lds.parser.ts';
import { dgTags } from '../lds/lds-common.ts';
import type { Mrz } from '../lds/mrz.ts';
import { parseSod, type Sod } from '../sod/sod.parser.ts';
import { bytesEqual, toHex } from '../tlv/index.ts';
import { type Certificate, certificateKey } from '../trust/certificate.ts';
import { findIssuer, type TrustStore } from '../trust/trust-store.ts';
import { verifyActiveAuthentication } from './active-auth.ts';
import { digest, hashNameOf, signatureAlgorithmName, verifySignature } from './crypto.ts';

/** Every reason a card can fail; the result names the specific one(s). */
export type FailureReason =
  | 'malformed_sod'
  | 'malformed_dg'
  | 'malformed_certificate'
  | 'unsupported_algorithm'
  | 'dg_hash_mismatch'
  | 'dg_not_in_sod'
  | 'dg_tag_mismatch'
  | 'mrz_check_digit_invalid'
  | 'signed_attributes_invalid'
  | 'message_digest_mismatch'
  | 'sod_signature_invalid'
  | 'signer_not_found'
  | 'untrusted_signer'
  | 'signer_revoked'
  | 'certificate_expired'
  | 'certificate_not_yet_valid'
  | 'csca_expired'
  | 'csca_not_yet_valid'
  | 'aa_key_missing'
  | 'aa_key_not_verified'
  | 'aa_signature_invalid';

export type CheckStatus = 'passed' | 'failed' | 'not_read' | 'not_checked';

export interface Check {
  status: CheckStatus;
  reason?: FailureReason;
  detail?: string;
}

export interface DataGroupCheck extends Check {
  dg: number;
  /** The hash the SOD lists, hex (absent when the SOD does not list the DG). */
  expected?: string;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialHex: string;
  notBefore: string;
  notAfter: string;
  fingerprint: string;
}

export interface CardVerification {
  /** True only when every check that ran passed (not-read DGs and skipped AA do not fail it). */
  valid: boolean;
  failures: FailureReason[];
  /** Findings that do not invalidate the card: a supplied DG the SOD does not list. */
  warnings: FailureReason[];
  checkedAt: string;
  sod: Check & { hashAlgorithm?: string; ldsVersion?: number; dataGroups?: number[] };
  dataGroups: DataGroupCheck[];
  signature: Check & { algorithm?: string; signingTime?: string };
  chain: Check & { signer?: CertificateSummary; anchor?: CertificateSummary; anchorIsSigner?: boolean };
  revocation: Check;
  activeAuthentication: Check;
  dg1?: Mrz;
  dg13?: Dg13;
  dg14?: Dg14;
}

export interface CardFiles {
  sod: Uint8Array;
  /** DG number → the complete file as read from the chip (with its outer tag). */
  dataGroups: ReadonlyMap<number, Uint8Array>;
}

export interface VerifyOptions {
  trust: TrustStore;
  /** Certificate validity is evaluated at this time (else the SOD's signing time, else now). */
  at?: Date;
  /** Active Authentication: the nonce the verifier issued and the chip's signature over it. */
  activeAuthentication?: { nonce: Uint8Array; signature: Uint8Array };
}

function summary(cert: Certificate): CertificateSummary {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serialHex: cert.serialHex,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    fingerprint: cert.fingerprint,
  };
}

const reasonOf = (error: unknown, fallback: FailureReason): FailureReason =>
  error instanceof AppError && error.code === 'ERR_CARD_UNSUPPORTED_ALGORITHM'
    ? 'unsupported_algorithm'
    : fallback;

/** Passive (and optionally active) authentication of one card. Never throws for bad card data. */
export function verifyCard(files: CardFiles, options: VerifyOptions): CardVerification {
  const failures: FailureReason[] = [];
  const fail = (check: Check, reason: FailureReason, detail?: string): void => {
    check.status = 'failed';
    check.reason = reason;
    if (detail) check.detail = detail;
    if (!failures.includes(reason)) failures.push(reason);
  };
  const result: CardVerification = {
    valid: false,
    failures,
    warnings: [],
    checkedAt: (options.at ?? new Date()).toISOString(),
    sod: { status: 'not_checked' },
    dataGroups: [],
    signature: { status: 'not_checked' },
    chain: { status: 'not_checked' },
    revocation: { status: 'not_checked' },
    activeAuthentication: { status: 'not_checked' },
  };

  let sod: Sod;
  try {
    sod = parseSod(files.sod);
  } catch (error) {
    fail(result.sod, reasonOf(error, 'malformed_sod'), error instanceof AppError ? error.detail : undefined);
    return result;
  }
  result.sod = {
    status: 'passed',
    hashAlgorithm: sod.hashAlgorithm,
    ldsVersion: sod.ldsVersion,
    dataGroups: [...sod.dgHashes.keys()].sort((a, b) => a - b),
  };

  // ── data-group hashes ──
  const numbers = new Set([...sod.dgHashes.keys(), ...files.dataGroups.keys()]);
  for (const dg of [...numbers].sort((a, b) => a - b)) {
    const expected = sod.dgHashes.get(dg);
    const bytes = files.dataGroups.get(dg);
    const check: DataGroupCheck = { dg, status: 'not_read' };
    if (expected) check.expected = toHex(expected);
    result.dataGroups.push(check);
    if (!bytes) continue;
    if (!expected) {
      // Not covered by the signature: its content is never used (an uncovered DG15 cannot serve
      // Active Authentication), and the check says so — but an extra file a reader dumped does
      // not make the authenticated ones less authentic, so the card's verdict stands (the BSI
      // TR-03105 set ships such a DG15). It is reported among the warnings.
      check.status = 'failed';
      check.reason = 'dg_not_in_sod';
      check.detail = `DG${dg} is not listed in the SOD; its content is unauthenticated and ignored`;
      if (!result.warnings.includes('dg_not_in_sod')) result.warnings.push('dg_not_in_sod');
    } else if (bytes[0] !== dgTags[dg])
      fail(check, 'dg_tag_mismatch', `DG${dg} file does not start with its tag`);
    else if (!bytesEqual(digest(sod.hashAlgorithm, bytes), expected)) fail(check, 'dg_hash_mismatch');
    else check.status = 'passed';
  }
  const hashed = (dg: number) => result.dataGroups.find((check) => check.dg === dg)?.status === 'passed';

  // ── SOD signature ──
  const { signer } = sod.signedData;
  result.signature.algorithm = signatureAlgorithmName(signer.signatureAlgorithm, signer.digestAlgorithm);
  if (signer.signingTime) result.signature.signingTime = signer.signingTime.toISOString();
  const ds =
    sod.signedData.certificates.find((cert) => matchesSigner(cert, signer)) ??
    [...options.trust.anchors.values()].find((cert) => matchesSigner(cert, signer));
  if (!ds) {
    fail(
      result.signature,
      'signer_not_found',
      'no Document Signer certificate in the SOD or the trust store',
    );
  } else {
    try {
      const content = sod.signedData.eContent;
      let signedBytes = content;
      if (signer.signedAttributes) {
        signedBytes = signer.signedAttributes;
        if (signer.contentType !== sod.signedData.eContentType || !signer.messageDigest) {
          fail(
            result.signature,
            'signed_attributes_invalid',
            'content-type or message-digest attribute wrong',
          );
        } else if (!bytesEqual(digest(hashNameOf(signer.digestAlgorithm), content), signer.messageDigest)) {
          fail(result.signature, 'message_digest_mismatch');
        }
      }
      const ok = verifySignature(
        signer.signatureAlgorithm,
        certificateKey(ds),
        signedBytes,
        signer.signature,
        signer.digestAlgorithm,
      );
      if (!ok) fail(result.signature, 'sod_signature_invalid');
      else if (result.signature.status !== 'failed') result.signature.status = 'passed';
    } catch (error) {
      fail(result.signature, reasonOf(error, 'malformed_certificate'));
    }
    checkChain(result, ds, sod, options, fail);
  }

  // ── parsed data (only from DGs whose hash matched, so nothing unverified is presented as verified) ──
  const parse = <T>(dg: number, parser: (bytes: Uint8Array) => T): T | undefined => {
    const bytes = files.dataGroups.get(dg);
    if (!bytes || !hashed(dg)) return undefined;
    try {
      return parser(bytes);
    } catch (error) {
      const check = result.dataGroups.find((c) => c.dg === dg) as DataGroupCheck;
      fail(check, 'malformed_dg', error instanceof AppError ? error.detail : undefined);
      return undefined;
    }
  };
  const dg1 = parse(1, parseDg1);
  if (dg1) {
    result.dg1 = dg1;
    if (!dg1.valid)
      fail(result.dataGroups.find((c) => c.dg === 1) as DataGroupCheck, 'mrz_check_digit_invalid');
  }
  const dg13 = parse(13, parseDg13);
  if (dg13) result.dg13 = dg13;
  const dg14 = parse(14, parseDg14);
  if (dg14) result.dg14 = dg14;
  const dg15 = parse(15, parseDg15);

  // ── Active Authentication ──
  if (options.activeAuthentication) {
    checkActive(result, files, dg15, dg14, options.activeAuthentication, fail);
  }
  result.valid = failures.length === 0;
  return result;
}

function matchesSigner(cert: Certificate, signer: Sod['signedData']['signer']): boolean {
  if (signer.subjectKeyId) return cert.subjectKeyId === signer.subjectKeyId;
  return (
    signer.serialHex === cert.serialHex &&
    signer.issuerRaw !== undefined &&
    bytesEqual(signer.issuerRaw, cert.issuerRaw)
  );
}

/**
 * What checking one Document Signer against one trust store yields independently of the time:
 * the anchor that issued it (or none), and the revocation dates of the CRLs from that anchor
 * whose signatures verify. Computing it costs public-key operations (the DS certificate's and
 * each CRL's signature); the verdict at a given time is then a few date comparisons.
 */
interface SignerValidation {
  generation: number;
  anchorIsSigner: boolean;
  csca: Certificate | undefined;
  signer: CertificateSummary;
  anchor: CertificateSummary | undefined;
  /** Whether any CRL names the DS's issuer (the revocation check then runs). */
  hasCrl: boolean;
  /** Revocation dates of this DS from the CRLs that verified, in the store's order. */
  revokedAt: Date[];
}

// Per trust store (a rebuilt store starts empty), by DS fingerprint; an entry made under another
// generation of the store (an anchor or CRL added since) is recomputed. Bounded, oldest out.
const signerValidations = new WeakMap<TrustStore, Map<string, SignerValidation>>();
const signerValidationLimit = 4096;

function validateSigner(trust: TrustStore, ds: Certificate): SignerValidation {
  let cache = signerValidations.get(trust);
  if (!cache) {
    cache = new Map();
    signerValidations.set(trust, cache);
  }
  const cached = cache.get(ds.fingerprint);
  if (cached && cached.generation === trust.generation) return cached;
  const anchorIsSigner = trust.anchors.has(ds.fingerprint);
  let csca: Certificate | undefined;
  if (!anchorIsSigner) {
    try {
      csca = findIssuer(trust, ds);
    } catch {
      csca = undefined;
    }
  }
  // CRLs are trusted only when signed by the DS's issuer (the CSCA found above).
  const crls = csca ? trust.crls.filter((crl) => bytesEqual(crl.issuerRaw, ds.issuerRaw)) : [];
  const revokedAt: Date[] = [];
  for (const crl of crls) {
    let ok = false;
    try {
      ok = verifySignature(
        crl.signatureAlgorithm,
        certificateKey(csca as Certificate),
        crl.tbs,
        crl.signature,
      );
    } catch {
      ok = false;
    }
    const revoked = ok ? crl.revoked.get(ds.serialHex) : undefined;
    if (revoked) revokedAt.push(revoked);
  }
  const validation: SignerValidation = {
    generation: trust.generation,
    anchorIsSigner,
    csca,
    signer: summary(ds),
    anchor: anchorIsSigner ? summary(ds) : csca ? summary(csca) : undefined,
    hasCrl: crls.length > 0,
    revokedAt,
  };
  if (cache.size >= signerValidationLimit) cache.delete(cache.keys().next().value as string);
  cache.set(ds.fingerprint, validation);
  return validation;
}

function checkChain(
  result: CardVerification,
  ds: Certificate,
  sod: Sod,
  options: VerifyOptions,
  fail: (check: Check, reason: FailureReason, detail?: string) => void,
): void {
  const at = options.at ?? sod.signedData.signer.signingTime ?? new Date();
  const chain = result.chain;
  // Validity and revocation depend on `at`, so they are evaluated on every call; only the
  // signature work is taken from the cache.
  const validation = validateSigner(options.trust, ds);
  const { csca, anchorIsSigner } = validation;
  chain.signer = { ...validation.signer };
  if (!anchorIsSigner && !csca) {
    fail(chain, 'untrusted_signer', `no trust anchor issued ${ds.subject}`);
    return;
  }
  chain.anchorIsSigner = anchorIsSigner;
  chain.anchor = { ...(validation.anchor as CertificateSummary) };
  if (at < ds.notBefore)
    fail(chain, 'certificate_not_yet_valid', `Document Signer valid from ${ds.notBefore.toISOString()}`);
  else if (at > ds.notAfter)
    fail(chain, 'certificate_expired', `Document Signer expired ${ds.notAfter.toISOString()}`);
  if (csca && at < csca.notBefore) fail(chain, 'csca_not_yet_valid');
  else if (csca && at > csca.notAfter)
    fail(chain, 'csca_expired', `CSCA expired ${csca.notAfter.toISOString()}`);
  if (chain.status !== 'failed') chain.status = 'passed';

  if (!validation.hasCrl) return;
  result.revocation.status = 'passed';
  const revokedAt = validation.revokedAt.find((date) => date <= at);
  if (revokedAt) fail(result.revocation, 'signer_revoked', `revoked ${revokedAt.toISOString()}`);
}

function checkActive(
  result: CardVerification,
  files: CardFiles,
  dg15: Dg15 | undefined,
  dg14: Dg14 | undefined,
  aa: { nonce: Uint8Array; signature: Uint8Array },
  fail: (check: Check, reason: FailureReason, detail?: string) => void,
): void {
  const check = result.activeAuthentication;
  if (!files.dataGroups.has(15)) fail(check, 'aa_key_missing', 'DG15 not supplied');
  // The AA key is only as good as its hash in the signed SOD.
  else if (!dg15) fail(check, 'aa_key_not_verified', 'DG15 is not covered by a matching SOD hash');
  else if (!verifyActiveAuthentication(dg15, aa.nonce, aa.signature, dg14?.aaSignatureAlgorithm)) {
    fail(check, 'aa_signature_invalid');
  } else check.status = 'passed';
}
