// ── verification side: TLV/DER, LDS parsers, SOD, passive/active authentication, trust store ──

// ── verification API for relying parties ──
export { type CardRoutesOptions, cardRoutes, type RelyingPartyIdentity } from './api/card.routes.ts';
export { checkCardQr, type QrCheck } from './api/qr-check.ts';
export { checkAgainstRegistry, idNumberOnChip, type RegistryCheck } from './api/registry-check.ts';
export { cardTrustLoader } from './api/trust-loader.ts';
// ── issuance ──
export { type ChipSimulator, createChipSimulator } from './chip/chip-simulator.ts';
export { encodeDg2, faceRecord, placeholderJpeg } from './issue/face-image.ts';
export {
  assertEligible,
  type ChipFiles,
  DEFAULT_ISSUING_AUTHORITY,
  type IssueCardInput,
  type IssuedCard,
  issueCard,
} from './issue/issue-card.service.ts';
export { encodeDg1, encodeDg13, encodeDg15, encodeEfCom } from './issue/lds.encoder.ts';
export { encodeTd1, mrzName, transliterate } from './issue/mrz.encoder.ts';
export { encodeSod } from './issue/sod.encoder.ts';
export { ageOn, birthdayAt, cardExpiry, RENEWAL_AGES } from './issue/validity.ts';
export {
  type Dg13,
  type Dg14,
  type Dg15,
  type EfCom,
  parseDg1,
  parseDg13,
  parseDg14,
  parseDg15,
  parseEfCom,
} from './lds/lds.parser.ts';
export { dgTags } from './lds/lds-common.ts';
export { checkDigit, type Mrz, parseMrz } from './lds/mrz.ts';
export { cardMigrations } from './migrations.ts';
// ── officer console: issue, revoke, verify ──
export { type CardOfficerRoutesOptions, cardOfficerRoutes } from './officer/card-officer.routes.ts';
export {
  type ChipSummary,
  issueCardAtCounter,
  summariseChip,
  verifyCardAsOfficer,
} from './officer/card-officer.service.ts';
export { type CardAlgorithm, cardAlgorithms, isCardAlgorithm } from './pki/algorithms.ts';
export { certificateDer, fromPem, toPem } from './pki/certificates.ts';
export { createMasterList } from './pki/master-list.ts';
export { CardPkiStore, type DocumentSigner } from './pki/pki-store.ts';
export { type CardQr, type CardQrProblem, formatCardQr, parseCardQr } from './qr/card-qr.ts';
export { parseSignedData, type SignedData, type SignerInfo } from './sod/signed-data.ts';
export { ldsSecurityObjectOid, parseSod, type Sod } from './sod/sod.parser.ts';
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
export { type Certificate, parseCertificate, parseCertificates } from './trust/certificate.ts';
export { type Crl, parseCrl } from './trust/crl.ts';
export {
  addCrl,
  addTrustAnchor,
  createTrustStore,
  cscaMasterListOid,
  importMasterList,
  importTrustFile,
  type MasterListImport,
  type TrustStore,
} from './trust/trust-store.ts';
export { verifyActiveAuthentication } from './verify/active-auth.ts';
export { publicKeyFromSpki } from './verify/crypto.ts';
export {
  type CardFiles,
  type CardVerification,
  type Check,
  type CheckStatus,
  type DataGroupCheck,
  type FailureReason,
  type VerifyOptions,
  verifyCard,
} from './verify/passive-auth.ts';
