import { appendAuditEntries, subjectKey } from '@dinhdanh/audit';
import { AppError } from '@dinhdanh/kernel';
import type { Officer, RegistryContext } from '@dinhdanh/registry';
import { checkAgainstRegistry, type RegistryCheck } from '../api/registry-check.ts';
import { type IssuedCard, issueCard } from '../issue/issue-card.service.ts';
import { type Dg13, parseDg1, parseDg13, parseDg15, parseEfCom } from '../lds/lds.parser.ts';
import type { CardAlgorithm } from '../pki/algorithms.ts';
import type { CardPkiStore } from '../pki/pki-store.ts';
import { parseSod } from '../sod/sod.parser.ts';
import type { TrustStore } from '../trust/trust-store.ts';
import { type CardFiles, type CardVerification, verifyCard } from '../verify/passive-auth.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const lineLength = { td1: 30, td2: 36, td3: 44 } as const;
function mrzLines(text: string, type: keyof typeof lineLength): string[] {
  if (text.includes('\n')) return text.split('\n').filter(Boolean);
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += lineLength[type]) lines.push(text.slice(i, i + lineLength[type]));
  return lines;
}

/** What an officer sees of a chip: each file parsed, nothing verified (verification is separate). */
export interface ChipSummary {
  efCom: { ldsVersion: string; unicodeVersion: string; dataGroups: number[] } | null;
  dg1: { lines: string[]; documentNumber: string; dateOfExpiry: string; checkDigitsValid: boolean } | null;
  dg13: Omit<Dg13, 'other'> | null;
  dg15: { keyType: 'rsa' | 'ec'; curve: string | null } | null;
  sod: {
    hashAlgorithm: string;
    ldsVersion: number;
    dataGroupHashes: { dg: number; hash: string }[];
    documentSigner: { subject: string; issuer: string; serialHex: string; notAfter: string } | null;
    signingTime: string | null;
  };
}

/** Summarises a chip's files (parsing only). Throws the parsers' catalogued errors on bad data. */
export function summariseChip(files: Record<string, Uint8Array | undefined>): ChipSummary {
  const sodBytes = files['EF_SOD.bin'];
  if (!sodBytes) throw new AppError('ERR_CARD_SOD_MALFORMED', 'EF_SOD.bin is missing');
  const sod = parseSod(sodBytes);
  const efCom = files['EF_COM.bin'] ? parseEfCom(files['EF_COM.bin']) : null;
  const dg1 = files['EF_DG1.bin'] ? parseDg1(files['EF_DG1.bin']) : null;
  const dg13 = files['EF_DG13.bin'] ? parseDg13(files['EF_DG13.bin']) : null;
  const dg15 = files['EF_DG15.bin'] ? parseDg15(files['EF_DG15.bin']) : null;
  const signer = sod.signedData.certificates[0];
  const { other: _other, ...dg13Fields } = dg13 ?? { other: {} };
  return {
    efCom,
    dg1: dg1
      ? {
          lines: mrzLines(dg1.text, dg1.type),
          documentNumber: dg1.documentNumber,
          dateOfExpiry: dg1.dateOfExpiry,
          checkDigitsValid: dg1.valid,
        }
      : null,
    dg13: dg13 ? dg13Fields : null,
    dg15: dg15
      ? {
          keyType: dg15.keyType,
          curve: (dg15.key.asymmetricKeyDetails?.namedCurve as string | undefined) ?? null,
        }
      : null,
    sod: {
      hashAlgorithm: sod.hashAlgorithm,
      ldsVersion: sod.ldsVersion,
      dataGroupHashes: [...sod.dgHashes].map(([dg, hash]) => ({ dg, hash: hex(hash) })),
      documentSigner: signer
        ? {
            subject: signer.subject,
            issuer: signer.issuer,
            serialHex: signer.serialHex,
            notAfter: signer.notAfter.toISOString(),
          }
        : null,
      signingTime: sod.signedData.signer.signingTime?.toISOString() ?? null,
    },
  };
}

export interface OfficerIssueInput {
  idNumber: string;
  onRequest?: boolean;
  algorithm?: CardAlgorithm;
}

/**
 * Issues a card at the officer's counter with the current Document Signer (one is made when
 * none is usable). Outside production a missing CSCA is created for ECDSA P-256 only, the
 * development default; production needs `dinhdanh card pki init` by the operator.
 */
export async function issueCardAtCounter(
  ctx: RegistryContext,
  pki: CardPkiStore,
  officer: Officer,
  input: OfficerIssueInput,
  options: { production: boolean },
): Promise<{ issued: IssuedCard; summary: ChipSummary; files: Record<string, string> }> {
  const algorithm = input.algorithm ?? 'ecdsa-p256';
  const now = ctx.clock.now();
  if (!(await pki.algorithms()).includes(algorithm)) {
    if (options.production || !pki.allowCreate || algorithm !== 'ecdsa-p256')
      throw new AppError(
        'ERR_CARD_PKI_NOT_INITIALISED',
        `no ${algorithm} CSCA: the operator runs dinhdanh card pki init --alg ${algorithm}`,
        { algorithm },
      );
    await pki.initCsca(algorithm, { now });
  }
  const signer = await pki.currentDocumentSigner(algorithm, { now, autoIssue: true });
  const issued = await issueCard(ctx, {
    idNumber: input.idNumber,
    officer,
    signer,
    ...(input.onRequest ? { onRequest: true } : {}),
  });
  const files: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(issued.files)) files[name] = base64(bytes);
  files['qr.txt'] = Buffer.from(issued.qr, 'utf8').toString('base64');
  files['ds.pem'] = Buffer.from(issued.dsPem, 'utf8').toString('base64');
  files['csca.pem'] = Buffer.from(issued.cscaPem, 'utf8').toString('base64');
  return { issued, summary: summariseChip(issued.files as unknown as Record<string, Uint8Array>), files };
}

const PURPOSE = 'Kiểm tra thẻ căn cước gắn chip tại cơ quan công an / chip ID card check by an officer';
const LEGAL_BASIS = 'Luật Căn cước 26/2023/QH15; Nghị định 70/2024/NĐ-CP';

/**
 * The relying-party verification, done by an officer: passive authentication, then the registry
 * cross-check once the chip is authentic; recorded on the person's access log with the officer
 * as the actor.
 */
export async function verifyCardAsOfficer(
  ctx: RegistryContext,
  trust: TrustStore,
  officer: Officer,
  files: CardFiles,
): Promise<{ valid: boolean; verification: CardVerification; registry: RegistryCheck | null }> {
  const now = ctx.clock.now();
  const verification = verifyCard(files, { trust, at: now });
  const authentic = verification.signature.status === 'passed' && verification.chain.status === 'passed';
  const registry = authentic
    ? await checkAgainstRegistry(ctx, verification.dg1, verification.dg13, files.sod)
    : null;
  if (registry?.idNumber && registry.findings[0] !== 'person_not_found') {
    await appendAuditEntries(ctx.db, [
      {
        recordedAt: now,
        actor: { kind: 'officer', id: officer.officerId, unit: officer.unit.code },
        action: 'card.verified',
        subjectKey: subjectKey(ctx.audit.subjectSecret, registry.idNumber),
        purpose: PURPOSE,
        legalBasis: LEGAL_BASIS,
        details: { valid: verification.valid && registry.consistent, by: 'officer' },
      },
    ]);
  }
  return { valid: verification.valid && (registry?.consistent ?? false), verification, registry };
}
