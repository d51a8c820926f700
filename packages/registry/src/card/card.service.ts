import { AppError, vietnamDate } from '@dinhdanh/kernel';
import { z } from 'zod';
import { appendRegistryChanges } from '../change/change-feed.ts';
import type { RegistryContext } from '../context.ts';
import { changePerson, inTransaction } from '../events/civil-events.service.ts';
import { actorOf, assertCanWrite, type Officer } from '../officer/officer.ts';
import { presentPerson } from '../person/person.presenter.ts';
import * as repo from '../person/person.repository.ts';
import type { Person } from '../person/person.schema.ts';
import { IsoDate } from '../person/person.schema.ts';
import { assertIdNumber } from '../person/person.service.ts';

/**
 * A chip ID card as the person's record holds it (`cards`, newest last). On a CCCD the card
 * number is the 12-digit ID number, so cards are told apart by their chip's security object
 * (`sodHash`), and by issue date only for cards recorded without it.
 */
export const IdCard = z.object({
  cardNumber: z.string(),
  issueDate: IsoDate,
  /** The issuing authority as printed (nơi cấp). */
  issuingAuthority: z.string(),
  /** `null`: no expiry (issued from age 58–60 on). */
  expiryDate: IsoDate.nullable(),
  status: z.enum(['active', 'revoked', 'replaced']),
  reason: z.string().nullable(),
  /** Serial (hex) of the Document Signer that signed the chip, for tracing a compromised signer. */
  documentSignerSerial: z.string().nullable(),
  /**
   * SHA-256 (hex) of the chip's EF.SOD: unique to each card (its signature and DG15 key differ), so
   * a card replaced the same day it was issued is not taken for its successor. `null` on cards
   * recorded before it was kept.
   */
  sodHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .default(null),
  revokedAt: z.string().nullable(),
});
export type IdCard = z.infer<typeof IdCard>;

export const CardIssueInput = z.object({
  idNumber: z.string(),
  issueDate: IsoDate,
  issuingAuthority: z.string().trim().min(1).max(200),
  expiryDate: IsoDate.nullable(),
  documentSignerSerial: z
    .string()
    .regex(/^[0-9a-f]+$/)
    .nullable()
    .default(null),
  sodHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .default(null),
  /** Why a new card: first issue, renewal at an age, lost, damaged, data changed… */
  reason: z.string().trim().max(500).optional(),
});

export const CardRevocationInput = z.object({
  idNumber: z.string(),
  reason: z.enum(['lost', 'damaged', 'data_changed', 'withdrawn', 'other']),
  note: z.string().trim().max(500).optional(),
});

const CARD_BASIS = 'Luật Căn cước 26/2023/QH15';

function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success)
    throw new AppError(
      'ERR_VALIDATION',
      result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  return result.data;
}

const cardsOf = (cards: Record<string, unknown>[]) => cards.map((card) => IdCard.parse(card));

/**
 * Records a newly issued card: the person's active card (if any) becomes `replaced`. When the
 * previous card had been revoked, the feed gets `card.reinstated`, lifting identity's automatic lock.
 */
export async function recordCardIssued(
  ctx: RegistryContext,
  officer: Officer,
  input: unknown,
): Promise<{ person: Person; card: IdCard }> {
  const issue = parseInput(CardIssueInput, input);
  const idNumber = assertIdNumber(issue.idNumber, ctx.clock.now());
  const { actor, actorUnit } = actorOf(officer);
  return inTransaction(ctx, async (trx) => {
    const found = await repo.findPersonRow(trx, idNumber, { forUpdate: true });
    if (!found) throw new AppError('ERR_PERSON_NOT_FOUND');
    if (found.state.dateOfDeath) throw new AppError('ERR_CARD_NOT_ELIGIBLE', 'the person is deceased');
    assertCanWrite(officer, ctx.units, found.state.permanentAddress?.communeCode);
    const previous = cardsOf(found.state.cards);
    const wasRevoked = previous.at(-1)?.status === 'revoked';
    const card: IdCard = {
      cardNumber: idNumber,
      issueDate: issue.issueDate,
      issuingAuthority: issue.issuingAuthority,
      expiryDate: issue.expiryDate,
      status: 'active',
      reason: issue.reason ?? null,
      documentSignerSerial: issue.documentSignerSerial,
      sodHash: issue.sodHash,
      revokedAt: null,
    };
    const cards = [
      ...previous.map((old) =>
        old.status === 'active' ? { ...old, status: 'replaced' as const, reason: old.reason } : old,
      ),
      card,
    ];
    const result = await changePerson(
      trx,
      ctx,
      idNumber,
      {
        type: 'card_issued',
        effectiveDate: issue.issueDate,
        reason: issue.reason ?? null,
        legalBasis: CARD_BASIS,
        actor,
        actorUnit,
      },
      { cards },
      found,
    );
    if (wasRevoked)
      await appendRegistryChanges(trx, idNumber, ['card.reinstated'], issue.issueDate, ['cards']);
    return { person: presentPerson(result.state, result.version, ctx.units), card };
  });
}

/**
 * Revokes the person's active card (lost, damaged, data changed…) and puts `card.revoked` on the
 * change feed, which identity follows to lock the eID account on that ground.
 */
export async function revokeCard(
  ctx: RegistryContext,
  officer: Officer,
  input: unknown,
): Promise<{ person: Person; card: IdCard }> {
  const revocation = parseInput(CardRevocationInput, input);
  const idNumber = assertIdNumber(revocation.idNumber, ctx.clock.now());
  const { actor, actorUnit } = actorOf(officer);
  const today = vietnamDate(ctx.clock.now());
  return inTransaction(ctx, async (trx) => {
    const found = await repo.findPersonRow(trx, idNumber, { forUpdate: true });
    if (!found) throw new AppError('ERR_PERSON_NOT_FOUND');
    assertCanWrite(officer, ctx.units, found.state.permanentAddress?.communeCode);
    const cards = cardsOf(found.state.cards);
    const index = cards.findIndex((card) => card.status === 'active');
    if (index < 0) throw new AppError('ERR_CARD_NOT_FOUND');
    const reason = revocation.note ? `${revocation.reason}: ${revocation.note}` : revocation.reason;
    const card: IdCard = {
      ...(cards[index] as IdCard),
      status: 'revoked',
      reason,
      revokedAt: ctx.clock.now().toISOString(),
    };
    cards[index] = card;
    const result = await changePerson(
      trx,
      ctx,
      idNumber,
      { type: 'card_revoked', effectiveDate: today, reason, legalBasis: CARD_BASIS, actor, actorUnit },
      { cards },
      found,
    );
    await appendRegistryChanges(trx, idNumber, ['card.revoked'], today, ['cards']);
    return { person: presentPerson(result.state, result.version, ctx.units), card };
  });
}

/** The person's current (active) card, if any. */
export function currentCard(person: Pick<Person, 'cards'>): IdCard | undefined {
  return cardsOf(person.cards).findLast((card) => card.status === 'active');
}
