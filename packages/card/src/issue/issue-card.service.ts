import { createHash } from 'node:crypto';
import { AppError, vietnamDate } from '@dinhdanh/kernel';
import {
  getPerson,
  type IdCard,
  type Officer,
  type Person,
  type RegistryContext,
  recordCardIssued,
} from '@dinhdanh/registry';
import { type ChipSimulator, createChipSimulator } from '../chip/chip-simulator.ts';
import { certificateDer, serialHex, toPem } from '../pki/certificates.ts';
import type { DocumentSigner } from '../pki/pki-store.ts';
import { formatCardQr } from '../qr/card-qr.ts';
import { encodeDg2, faceRecord, placeholderJpeg } from './face-image.ts';
import { encodeDg1, encodeDg13, encodeDg15, encodeEfCom } from './lds.encoder.ts';
import { encodeTd1 } from './mrz.encoder.ts';
import { encodeSod } from './sod.encoder.ts';
import { ageOn, cardExpiry } from './validity.ts';

/** The issuing authority printed on cards since 2024 (C06, Ministry of Public Security). */
export const DEFAULT_ISSUING_AUTHORITY = 'Bộ Công an';

/** The chip's files as a reader dumps them, named as `dinhdanh card issue --out` writes them. */
export interface ChipFiles {
  'EF_COM.bin': Uint8Array;
  'EF_DG1.bin': Uint8Array;
  'EF_DG2.bin': Uint8Array;
  'EF_DG13.bin': Uint8Array;
  'EF_DG15.bin': Uint8Array;
  'EF_SOD.bin': Uint8Array;
}

export interface IssuedCard {
  card: IdCard;
  files: ChipFiles;
  qr: string;
  /** PEM of the Document Signer and the CSCA. */
  dsPem: string;
  cscaPem: string;
  /** The development chip simulator holding the card's Active Authentication key. */
  chip: ChipSimulator;
}

export interface IssueCardInput {
  idNumber: string;
  officer: Officer;
  signer: DocumentSigner;
  /** Under 14 a card is issued only on request (of the parent or guardian). */
  onRequest?: boolean;
  issuingAuthority?: string;
  /** JPEG portrait; a generated placeholder when absent (the registry holds references only). */
  portrait?: { jpeg: Uint8Array; width: number; height: number };
  /** Why this card: first issue, renewal, lost, damaged, data changed. */
  reason?: string;
  chip?: ChipSimulator;
}

const vnDate = (iso: string) => iso.split('-').reverse().join('/');

/** The name of a relative: from the record's relatives, else from the registry by ID number. */
async function relativeName(
  ctx: RegistryContext,
  relative: { fullName: string } | undefined,
  idNumber: string | null,
): Promise<string | undefined> {
  if (relative?.fullName) return relative.fullName;
  if (!idNumber) return undefined;
  return (await getPerson(ctx, idNumber).catch(() => undefined))?.fullName;
}

/** Who may get a card today (DOMAIN.md): alive, and 14 or older unless requested. */
export function assertEligible(person: Person, today: string, onRequest: boolean): void {
  if (person.dateOfDeath)
    throw new AppError('ERR_CARD_NOT_ELIGIBLE', 'the person is deceased', { reason: 'deceased' });
  if (ageOn(person.dateOfBirth, today) < 14 && !onRequest)
    throw new AppError('ERR_CARD_NOT_ELIGIBLE', 'under 14: a card is issued only on request', {
      reason: 'under_14',
    });
}

/**
 * Issues a chip ID card: checks eligibility, computes the validity, records the card on the
 * person (registry event, audit, change feed), and produces the chip files, signed by `signer`.
 */
export async function issueCard(ctx: RegistryContext, input: IssueCardInput): Promise<IssuedCard> {
  const person = await getPerson(ctx, input.idNumber);
  const now = ctx.clock.now();
  const issueDate = vietnamDate(now);
  assertEligible(person, issueDate, input.onRequest ?? false);
  const expiryDate = cardExpiry(person.dateOfBirth, issueDate);
  const chip = input.chip ?? createChipSimulator();
  const portrait = input.portrait ?? { jpeg: placeholderJpeg(240, 320), width: 240, height: 320 };

  const dataGroups = new Map<number, Uint8Array>([
    [
      1,
      encodeDg1(
        encodeTd1({
          idNumber: person.idNumber,
          fullName: person.fullName,
          dateOfBirth: person.dateOfBirth,
          sex: person.sex,
          expiryDate,
        }),
      ),
    ],
    [
      2,
      encodeDg2(
        faceRecord(portrait.jpeg, { sex: person.sex, width: portrait.width, height: portrait.height }),
      ),
    ],
    [
      13,
      encodeDg13({
        idNumber: person.idNumber,
        fullName: person.fullName,
        dateOfBirth: vnDate(person.dateOfBirth),
        sex: person.sex === 'male' ? 'Nam' : 'Nữ',
        nationality: person.nationality,
        ethnicity: person.ethnicity ?? undefined,
        religion: person.religion ?? undefined,
        placeOfOrigin: person.placeOfOrigin ?? undefined,
        permanentResidence: person.permanentAddress?.text,
        issueDate: vnDate(issueDate),
        expiryDate: expiryDate ? vnDate(expiryDate) : 'Không thời hạn',
        father: await relativeName(ctx, person.relatives.father, person.fatherIdNumber),
        mother: await relativeName(ctx, person.relatives.mother, person.motherIdNumber),
        spouse: await relativeName(ctx, person.relatives.spouse, person.spouseIdNumber),
        oldIdNumber: person.oldIdNumber ?? undefined,
      }),
    ],
    [15, encodeDg15(chip.publicKey)],
  ]);
  const sod = encodeSod({ dataGroups, signer: input.signer, signingTime: now });

  const { card } = await recordCardIssued(ctx, input.officer, {
    idNumber: person.idNumber,
    issueDate,
    issuingAuthority: input.issuingAuthority ?? DEFAULT_ISSUING_AUTHORITY,
    expiryDate,
    documentSignerSerial: serialHex(input.signer.certificate),
    sodHash: createHash('sha256').update(sod).digest('hex'),
    reason: input.reason,
  });

  return {
    card,
    files: {
      'EF_COM.bin': encodeEfCom([...dataGroups.keys()]),
      'EF_DG1.bin': dataGroups.get(1) as Uint8Array,
      'EF_DG2.bin': dataGroups.get(2) as Uint8Array,
      'EF_DG13.bin': dataGroups.get(13) as Uint8Array,
      'EF_DG15.bin': dataGroups.get(15) as Uint8Array,
      'EF_SOD.bin': sod,
    },
    qr: formatCardQr({
      idNumber: person.idNumber,
      oldIdNumber: person.oldIdNumber,
      fullName: person.fullName,
      dateOfBirth: person.dateOfBirth,
      sex: person.sex,
      permanentAddress: person.permanentAddress?.text ?? '',
      issueDate,
    }),
    dsPem: toPem(certificateDer(input.signer.certificate)),
    cscaPem: toPem(certificateDer(input.signer.csca)),
    chip,
  };
}
