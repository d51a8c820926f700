import { createHash } from 'node:crypto';
import { foldVietnamese } from '@dinhdanh/kernel';
import { findPerson, type RegistryContext } from '@dinhdanh/registry';
import type { Dg13 } from '../lds/lds.parser.ts';
import type { Mrz } from '../lds/mrz.ts';

export type RegistryFinding =
  | 'person_not_found'
  | 'person_deceased'
  | 'no_active_card'
  | 'not_current_card'
  | 'card_revoked'
  | 'name_mismatch'
  | 'date_of_birth_mismatch';

export interface RegistryCheck {
  /** The ID number the chip names (DG13 field 1, else the start of the MRZ optional data). */
  idNumber: string | null;
  consistent: boolean;
  findings: RegistryFinding[];
  card?: { issueDate: string; expiryDate: string | null; status: string };
}

const isoOf = (ddmmyyyy: string | undefined) => {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(ddmmyyyy ?? '');
  return match ? `${match[3]}-${match[2]}-${match[1]}` : undefined;
};

/** The chip's ID number: DG13's own field, else the 12 digits that open the TD1 optional data. */
export function idNumberOnChip(dg1: Mrz | undefined, dg13: Dg13 | undefined): string | null {
  if (dg13?.idNumber && /^\d{12}$/.test(dg13.idNumber)) return dg13.idNumber;
  const fromMrz = /^(\d{12})/.exec(dg1?.optionalData1 ?? '')?.[1];
  return fromMrz ?? null;
}

interface RecordedCard {
  issueDate?: string;
  expiryDate?: string | null;
  status?: string;
  sodHash?: string | null;
}

/**
 * Which of the person's recorded cards the chip is. A card's number is the ID number, so a card
 * recorded with its EF.SOD hash is known by that hash alone (two cards may share an issue date);
 * a card recorded without one, by its issue date — the one in force when several share it.
 */
function recordedCard(
  cards: readonly RecordedCard[],
  sod: Uint8Array | undefined,
  chipIssueDate: string | undefined,
): RecordedCard | undefined {
  const sodHash = sod ? createHash('sha256').update(sod).digest('hex') : undefined;
  const byHash = sodHash ? cards.find((card) => card.sodHash === sodHash) : undefined;
  if (byHash) return byHash;
  const sameDay = chipIssueDate
    ? cards.filter((card) => !card.sodHash && card.issueDate === chipIssueDate)
    : [];
  return sameDay.find((card) => card.status === 'active') ?? sameDay.at(-1);
}

/**
 * Cross-checks what a (cryptographically verified) chip says against the registry: the person
 * exists and is alive, the card is their current one and not revoked, and the name and date of
 * birth agree. The chip's data is never trusted over the registry; disagreements are reported.
 * `sod` (the chip's EF.SOD as read) tells the card apart from others issued the same day.
 */
export async function checkAgainstRegistry(
  ctx: RegistryContext,
  dg1: Mrz | undefined,
  dg13: Dg13 | undefined,
  sod?: Uint8Array,
): Promise<RegistryCheck> {
  const idNumber = idNumberOnChip(dg1, dg13);
  const findings: RegistryFinding[] = [];
  const person = idNumber ? await findPerson(ctx, idNumber) : undefined;
  if (!person) return { idNumber, consistent: false, findings: ['person_not_found'] };
  if (person.dateOfDeath) findings.push('person_deceased');
  const cards = person.cards as RecordedCard[];
  const chipIssueDate = isoOf(dg13?.issueDate);
  const sameCard = recordedCard(cards, sod, chipIssueDate);
  const active = cards.findLast((card) => card.status === 'active');
  // Identified: the chip is known by its SOD or dated by DG13; a chip that is neither is only
  // checked for an active card, as before hashes were kept.
  const identifiable =
    sameCard !== undefined ||
    chipIssueDate !== undefined ||
    (sod !== undefined && cards.some((card) => card.sodHash));
  if (sameCard?.status === 'revoked') findings.push('card_revoked');
  else if (!active) findings.push('no_active_card');
  else if (identifiable && sameCard !== active) findings.push('not_current_card');
  if (dg13?.fullName && foldVietnamese(dg13.fullName) !== foldVietnamese(person.fullName))
    findings.push('name_mismatch');
  const chipBirth = isoOf(dg13?.dateOfBirth);
  if (chipBirth && chipBirth !== person.dateOfBirth) findings.push('date_of_birth_mismatch');
  const card = sameCard ?? active;
  return {
    idNumber,
    consistent: findings.length === 0,
    findings,
    ...(card?.issueDate
      ? {
          card: {
            issueDate: card.issueDate,
            expiryDate: card.expiryDate ?? null,
            status: card.status ?? 'active',
          },
        }
      : {}),
  };
}
