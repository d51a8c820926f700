import { randomUUID } from 'node:crypto';
import { checkAgainstRegistry, verifyCard } from '@dinhdanh/card';
import { AppError } from '@dinhdanh/kernel';
import { assertCanWrite, currentCard, findPerson, type Officer, type Person } from '@dinhdanh/registry';
import { sql } from 'kysely';
import { findAccountRow, insertAccount, isUniqueViolation } from '../account/account.repository.ts';
import { getAccountByIdNumber } from '../account/account.service.ts';
import type { Account, LockGround } from '../account/account.ts';
import { auditIdentity } from '../audit.ts';
import type { IdentityContext } from '../context.ts';
import { lockAccount, unlockAccount } from '../lock/lock.service.ts';

/** The person and their account, when the officer's unit holds the person's permanent commune. */
async function inScope(ctx: IdentityContext, officer: Officer, idNumber: string) {
  const person = await findPerson(ctx.registry, idNumber);
  if (!person) throw new AppError('ERR_ACCOUNT_NOT_FOUND');
  const commune = person.permanentAddress?.scheme === '2025' ? person.permanentAddress.communeCode : null;
  assertCanWrite(officer, ctx.units, commune);
  return { person, account: await getAccountByIdNumber(ctx, idNumber) };
}

export async function officerLookup(
  ctx: IdentityContext,
  officer: Officer,
  idNumber: string,
): Promise<Account> {
  const { account } = await inScope(ctx, officer, idNumber);
  await auditIdentity(ctx, ctx.db, {
    actor: { kind: 'officer', officer },
    action: 'identity.account_looked_up',
    idNumber,
    purpose: 'Tra cứu tài khoản định danh điện tử / eID account lookup',
  });
  return account;
}

/** The files the officer's reader dumped from the card: EF.SOD and the data groups read. */
export interface ChipRead {
  sod: Uint8Array;
  dataGroups: ReadonlyMap<number, Uint8Array>;
}

/** What level 2 records about the card that was verified in person. */
export interface VerifiedCard {
  cardNumber: string;
  documentNumber: string | null;
  issueDate: string;
  documentSignerSerial: string | null;
}

/**
 * The card shown in person, checked by its chip rather than by a typed number: passive
 * authentication (DG hashes, SOD signature, chain to a trusted CSCA, CRL) and the registry
 * cross-check — the chip names this person, it is their current card and it is not revoked.
 */
async function checkChip(
  ctx: IdentityContext,
  person: Person,
  chip: ChipRead,
): Promise<{ card: VerifiedCard } | { failures: string[] }> {
  const verification = verifyCard(chip, { trust: await ctx.cardTrust(), at: ctx.clock.now() });
  const failures: string[] = [...verification.failures];
  if (!verification.dg1 && !verification.dg13) failures.push('chip_data_missing');
  if (failures.length) return { failures };
  const registry = await checkAgainstRegistry(ctx.registry, verification.dg1, verification.dg13, chip.sod);
  if (registry.idNumber !== person.idNumber) return { failures: ['other_persons_card'] };
  if (!registry.consistent || registry.card?.status !== 'active')
    return { failures: registry.findings.length ? registry.findings : ['not_current_card'] };
  // Consistent means the chip is the card in force.
  const record = currentCard(person);
  return {
    card: {
      cardNumber: record?.cardNumber ?? person.idNumber,
      documentNumber: verification.dg1?.documentNumber ?? null,
      issueDate: registry.card.issueDate,
      documentSignerSerial: verification.chain.signer?.serialHex ?? null,
    },
  };
}

/**
 * Raises a level-1 account to level 2 in person: the card's chip verified (checkChip),
 * fingerprint compared through the FingerprintVerifier. Each step is an audit entry, the failed
 * ones too. The account records the verified card (number, document number, issue date).
 */
export async function raiseToLevel2(
  ctx: IdentityContext,
  officer: Officer,
  input: { idNumber: string; chip: ChipRead; fingerprint: Uint8Array },
): Promise<Account> {
  const { person, account } = await inScope(ctx, officer, input.idNumber);
  const audit = (action: string, details: Record<string, unknown>) =>
    auditIdentity(ctx, ctx.db, {
      actor: { kind: 'officer', officer },
      action,
      idNumber: input.idNumber,
      purpose: 'Kích hoạt tài khoản định danh điện tử mức 2 / level-2 activation',
      details,
    });
  if (person.dateOfDeath) throw new AppError('ERR_PERSON_DECEASED');
  if (account.locks.length) throw new AppError('ERR_ACCOUNT_LOCKED', undefined, { grounds: account.locks });
  const checked = await checkChip(ctx, person, input.chip);
  if ('failures' in checked) {
    await audit('identity.level2.card_checked', { result: 'failed', failures: checked.failures });
    throw new AppError(
      'ERR_CARD_VERIFICATION_FAILED',
      `the chip does not verify as this person’s current card: ${checked.failures.join(', ')}`,
      { failures: checked.failures },
    );
  }
  const { card } = checked;
  await audit('identity.level2.card_checked', { result: 'verified', issueDate: card.issueDate });
  const { match } = await ctx.fingerprint.verify(person, input.fingerprint);
  await audit('identity.level2.fingerprint_checked', { result: match ? 'match' : 'mismatch' });
  if (!match) throw new AppError('ERR_FINGERPRINT_MISMATCH');
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('identity.account')
      .set({
        level: 2,
        card_number: card.cardNumber,
        level2_at: ctx.clock.now(),
        details: sql`details || ${JSON.stringify({ level2Card: card })}::jsonb`,
      })
      .where('account_id', '=', account.accountId)
      .execute();
    await auditIdentity(ctx, trx, {
      actor: { kind: 'officer', officer },
      action: 'identity.level2.raised',
      idNumber: input.idNumber,
      purpose: 'Kích hoạt tài khoản định danh điện tử mức 2 / level-2 activation',
      details: { previousLevel: account.level, cardIssueDate: card.issueDate },
    });
  });
  return (await findAccountRow(ctx.db, { accountId: account.accountId }))!;
}

export async function officerLock(
  ctx: IdentityContext,
  officer: Officer,
  input: { idNumber: string; ground: LockGround; reason: string; unlock: boolean },
): Promise<Account> {
  const { account } = await inScope(ctx, officer, input.idNumber);
  const change = input.unlock ? unlockAccount : lockAccount;
  await change(ctx, account, {
    ground: input.ground,
    reason: input.reason,
    actor: { kind: 'officer', officer },
  });
  return (await findAccountRow(ctx.db, { accountId: account.accountId }))!;
}

/**
 * A foreigner's account (no registry person): residence card number is the login name; locked
 * automatically when the stay expires. Credentials are set up by the holder (see README).
 */
export async function createForeignerAccount(
  ctx: IdentityContext,
  officer: Officer,
  input: {
    fullName: string;
    residenceCardNumber: string;
    passportNumber: string;
    nationality: string;
    stayExpiresOn: string;
    phone: string;
  },
): Promise<Account> {
  const accountId = randomUUID();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertAccount(trx, {
        accountId,
        kind: 'foreigner',
        loginName: input.residenceCardNumber,
        idNumber: null,
        level: 1,
        displayName: input.fullName,
        phone: input.phone,
        details: { passportNumber: input.passportNumber, nationality: input.nationality },
        stayExpiresOn: input.stayExpiresOn,
        createdAt: ctx.clock.now(),
      });
      await auditIdentity(ctx, trx, {
        actor: { kind: 'officer', officer },
        action: 'identity.foreigner_account_created',
        idNumber: null,
        purpose: 'Tạo tài khoản định danh điện tử cho người nước ngoài / foreigner eID account',
        details: { accountId },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('ERR_ACCOUNT_EXISTS');
    throw error;
  }
  return (await findAccountRow(ctx.db, { accountId }))!;
}

/** An organisation's account: no level; its legal representative must hold a citizen account. */
export async function createOrganisationAccount(
  ctx: IdentityContext,
  officer: Officer,
  input: { name: string; taxCode: string; representativeIdNumber: string },
): Promise<Account> {
  const representative = await getAccountByIdNumber(ctx, input.representativeIdNumber);
  if (representative.kind !== 'citizen')
    throw new AppError('ERR_NOT_ELIGIBLE', 'the legal representative must hold a citizen eID account');
  const accountId = randomUUID();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertAccount(trx, {
        accountId,
        kind: 'organisation',
        loginName: `mst:${input.taxCode}`,
        idNumber: null,
        level: null,
        displayName: input.name,
        phone: null,
        details: { taxCode: input.taxCode },
        representativeAccountId: representative.accountId,
        createdAt: ctx.clock.now(),
      });
      await auditIdentity(ctx, trx, {
        actor: { kind: 'officer', officer },
        action: 'identity.organisation_account_created',
        idNumber: input.representativeIdNumber,
        purpose: 'Tạo tài khoản định danh điện tử của tổ chức / organisation eID account',
        details: { accountId, taxCode: input.taxCode },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('ERR_ACCOUNT_EXISTS');
    throw error;
  }
  return (await findAccountRow(ctx.db, { accountId }))!;
}
