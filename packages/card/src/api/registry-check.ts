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

/**
 * Cross-checks what a (cryptographically verified) chip says against the registry: the person
 * exists and is alive, the card is their current one and not revoked, and the name and date of
 * birth agree. The chip's data is never trusted over the registry; disagreements are reported.
 */
export async function checkAgainstRegistry(
  ctx: RegistryContext,
  dg1: Mrz | undefined,
  dg13: Dg13 | undefined,
): Promise<RegistryCheck> {
  const idNumber = idNumberOnChip(dg1, dg13);
  const findings: RegistryFinding[] = [];
  const person = idNumber ? await findPerson(ctx, idNumber) : undefined;
  if (!person) return { idNumber, consistent: false, findings: ['person_not_found'] };
  if (person.dateOfDeath) findings.push('person_deceased');
  const cards = person.cards as Array<{ issueDate?: string; expiryDate?: string | null; status?: string }>;
  const chipIssueDate = isoOf(dg13?.issueDate);
  const sameCard = chipIssueDate ? cards.find((card) => card.issueDate === chipIssueDate) : undefined;
  const active = cards.find((card) => card.status === 'active');
  if (sameCard?.status === 'revoked') findings.push('card_revoked');
  else if (!active) findings.push('no_active_card');
  else if (chipIssueDate && active.issueDate !== chipIssueDate) findings.push('not_current_card');
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
