import { AppError } from '@dinhdanh/kernel';
import { findPerson, getRelations, getWards, type Person, type PersonSummary } from '@dinhdanh/registry';
import { auditIdentity } from '../audit.ts';
import type { IdentityContext } from '../context.ts';
import { ageOn, createCitizenAccount } from './account.service.ts';
import type { Account } from './account.ts';

export type DependentRelation = 'child' | 'ward';

export interface Dependent extends PersonSummary {
  age: number;
  relation: DependentRelation;
  /** The dependent holds an eID account of their own (self-registered or opened by a guardian). */
  hasAccount: boolean;
  /** A guardian may open a level-1 account for them now (Decree 69; see `accountEligibility`). */
  canCreateAccount: boolean;
}

const today = (ctx: IdentityContext) => ctx.clock.now().toISOString().slice(0, 10);

/**
 * A card counts unless its record says it is revoked or past its expiry. Card records are filled
 * by the chip-card issue; until then any record of a card counts.
 */
function holdsValidCard(person: Person, day: string): boolean {
  return person.cards.some((card) => {
    if (card.status === 'revoked' || card.revokedAt) return false;
    const expires = typeof card.expiresOn === 'string' ? card.expiresOn : undefined;
    return !expires || expires >= day;
  });
}

/**
 * Decree 69 for an account a guardian opens: under 6 on request (the guardian's request is this
 * action), from 6 with a valid card. The same rule applies to wards of any age: a ward of 14 or
 * more under guardianship is represented by the guardian, so the guardian asks for them.
 */
async function accountEligibility(ctx: IdentityContext, dependent: PersonSummary, age: number) {
  if (age < ctx.policy.cardRequiredFromAge) return { eligible: true, checks: ['age_under_6'] };
  const person = await findPerson(ctx.registry, dependent.idNumber);
  return person && holdsValidCard(person, today(ctx))
    ? { eligible: true, checks: ['card_held'] }
    : { eligible: false, checks: [] };
}

async function accountsHeld(ctx: IdentityContext, idNumbers: readonly string[]): Promise<Set<string>> {
  if (idNumbers.length === 0) return new Set();
  const rows = await ctx.db
    .selectFrom('identity.account')
    .select('id_number')
    .where('id_number', 'in', idNumbers)
    .execute();
  return new Set(rows.map((row) => String(row.id_number)));
}

/**
 * The holder's dependents, read from the registry: living children under 14 whose father or
 * mother is the holder, and living people whose registered guardian or legal representative is
 * the holder (any age). Each says whether it has an own account and whether the holder may open
 * one for it.
 */
export async function listDependents(ctx: IdentityContext, account: Account): Promise<Dependent[]> {
  if (!account.idNumber) return [];
  const day = today(ctx);
  const [relations, wards] = await Promise.all([
    getRelations(ctx.registry, account.idNumber),
    getWards(ctx.registry, account.idNumber),
  ]);
  const found = new Map<string, { person: PersonSummary; age: number; relation: DependentRelation }>();
  for (const child of relations.children) {
    const age = ageOn(child.dateOfBirth, day);
    if (age < ctx.policy.selfRegistrationAge && !child.dateOfDeath)
      found.set(child.idNumber, { person: child, age, relation: 'child' });
  }
  for (const ward of wards) {
    // A child who is also the holder's ward is listed once, as a ward: guardianship is the
    // stronger (registered) link.
    if (!ward.dateOfDeath)
      found.set(ward.idNumber, { person: ward, age: ageOn(ward.dateOfBirth, day), relation: 'ward' });
  }
  const held = await accountsHeld(ctx, [...found.keys()]);
  const out: Dependent[] = [];
  for (const { person, age, relation } of found.values()) {
    const hasAccount = held.has(person.idNumber);
    const canCreateAccount = !hasAccount && (await accountEligibility(ctx, person, age)).eligible;
    out.push({ ...person, age, relation, hasAccount, canCreateAccount });
  }
  return out.sort((a, b) => a.dateOfBirth.localeCompare(b.dateOfBirth));
}

/**
 * A parent or registered guardian opens a level-1 account for a dependent (Decree 69: a child of
 * 6–14 with a card, under 6 on request; a ward likewise). The dependent must be in the holder's
 * own dependents, read from the registry now; anything else answers ERR_NOT_ELIGIBLE whether or
 * not the ID number exists, so the call cannot probe the registry. The account has no password:
 * the child sets credentials later (self-service from 14, or with the guardian at the police).
 * Audited under both the dependent's and the guardian's subject keys.
 */
export async function createDependentAccount(
  ctx: IdentityContext,
  guardian: Account,
  idNumber: string,
): Promise<Dependent & { accountId: string }> {
  if (guardian.kind !== 'citizen' || !guardian.idNumber) throw new AppError('ERR_NOT_ELIGIBLE');
  const dependent = (await listDependents(ctx, guardian)).find((item) => item.idNumber === idNumber);
  if (!dependent) throw new AppError('ERR_NOT_ELIGIBLE', 'not one of your dependents');
  if (dependent.hasAccount) throw new AppError('ERR_ACCOUNT_EXISTS');
  const { eligible, checks } = await accountEligibility(ctx, dependent, dependent.age);
  if (!eligible)
    throw new AppError('ERR_NOT_ELIGIBLE', 'from the age of 6 a valid ID card is required (Decree 69)');
  const guardianIdNumber = guardian.idNumber;
  const created = await ctx.db.transaction().execute(async (trx) => {
    const account = await createCitizenAccount(
      ctx,
      {
        idNumber,
        displayName: dependent.fullName,
        phone: null,
        level: 1,
        actor: { kind: 'citizen', id: guardian.accountId },
        checks: [`guardian:${dependent.relation}`, ...checks],
      },
      trx,
    );
    await trx
      .insertInto('identity.guardian')
      .values({
        account_id: account.accountId,
        guardian_account_id: guardian.accountId,
        relation: dependent.relation,
        created_at: ctx.clock.now(),
      })
      .execute();
    await auditIdentity(ctx, trx, {
      actor: { kind: 'citizen', id: guardian.accountId },
      action: 'identity.dependent_account_created',
      idNumber: guardianIdNumber,
      purpose:
        'Người giám hộ tạo tài khoản định danh điện tử cho người phụ thuộc / a guardian opened a dependent’s eID account',
      details: { relation: dependent.relation, accountId: account.accountId, age: dependent.age },
    });
    return account;
  });
  return { ...dependent, hasAccount: true, canCreateAccount: false, accountId: created.accountId };
}
