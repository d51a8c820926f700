import { randomUUID } from 'node:crypto';
import { AppError } from '@dinhdanh/kernel';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { findAccountRow } from '../account/account.repository.ts';
import type { Account } from '../account/account.ts';
import type { IdentityContext } from '../context.ts';
import { assertUsable } from '../lock/lock.service.ts';
import { assertAlive } from '../login/login.service.ts';
import { type Amr, acrFor } from '../session/amr.ts';
import { createSession, type Session } from '../session/session.service.ts';

const CHALLENGE_SECONDS = 300;

async function saveChallenge(
  ctx: IdentityContext,
  purpose: 'passkey_registration' | 'passkey_login',
  challenge: string,
  accountId: string | null,
): Promise<string> {
  const challengeId = randomUUID();
  await ctx.db
    .insertInto('identity.challenge')
    .values({
      challenge_id: challengeId,
      account_id: accountId,
      purpose,
      challenge,
      expires_at: new Date(ctx.clock.now().getTime() + CHALLENGE_SECONDS * 1000),
    })
    .execute();
  return challengeId;
}

/** Single use: the row is deleted as it is read. */
async function takeChallenge(
  ctx: IdentityContext,
  challengeId: string,
  purpose: 'passkey_registration' | 'passkey_login',
  accountId: string | null,
): Promise<string> {
  let query = ctx.db
    .deleteFrom('identity.challenge')
    .where('challenge_id', '=', challengeId)
    .where('purpose', '=', purpose)
    .where('expires_at', '>', ctx.clock.now());
  if (accountId) query = query.where('account_id', '=', accountId);
  const row = await query.returning('challenge').executeTakeFirst();
  if (!row) throw new AppError('ERR_PASSKEY_INVALID', 'the challenge is unknown, used or expired');
  return String(row.challenge);
}

export async function passkeyRegistrationOptions(ctx: IdentityContext, account: Account) {
  const existing = await ctx.db
    .selectFrom('identity.credential')
    .select(['external_id', 'transports'])
    .where('account_id', '=', account.accountId)
    .where('kind', '=', 'passkey')
    .execute();
  const options = await generateRegistrationOptions({
    rpName: ctx.webauthn.rpName,
    rpID: ctx.webauthn.rpID,
    userName: account.displayName,
    userID: Buffer.from(account.accountId.replace(/-/g, ''), 'hex'),
    attestationType: 'none',
    excludeCredentials: existing.map((row) => ({ id: String(row.external_id) })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  const challengeId = await saveChallenge(ctx, 'passkey_registration', options.challenge, account.accountId);
  return { challengeId, options };
}

export async function registerPasskey(
  ctx: IdentityContext,
  account: Account,
  input: { challengeId: string; response: RegistrationResponseJSON; label?: string | undefined },
): Promise<{ passkeyId: string }> {
  const expectedChallenge = await takeChallenge(
    ctx,
    input.challengeId,
    'passkey_registration',
    account.accountId,
  );
  const verification = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge,
    expectedOrigin: ctx.webauthn.origin,
    expectedRPID: ctx.webauthn.rpID,
    requireUserVerification: true,
  }).catch((error: unknown) => {
    throw new AppError('ERR_PASSKEY_INVALID', (error as Error).message);
  });
  if (!verification.verified || !verification.registrationInfo) throw new AppError('ERR_PASSKEY_INVALID');
  const { credential, credentialBackedUp } = verification.registrationInfo;
  const passkeyId = randomUUID();
  await ctx.db
    .insertInto('identity.credential')
    .values({
      credential_id: passkeyId,
      account_id: account.accountId,
      kind: 'passkey',
      external_id: credential.id,
      public_key: Buffer.from(credential.publicKey),
      counter: credential.counter,
      backed_up: credentialBackedUp,
      transports: credential.transports?.join(',') ?? null,
      label: input.label?.slice(0, 64) ?? null,
      created_at: ctx.clock.now(),
    })
    .execute();
  return { passkeyId };
}

export async function listPasskeys(ctx: IdentityContext, account: Account) {
  const rows = await ctx.db
    .selectFrom('identity.credential')
    .select(['credential_id', 'label', 'backed_up', 'created_at', 'last_used_at'])
    .where('account_id', '=', account.accountId)
    .where('kind', '=', 'passkey')
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    passkeyId: String(row.credential_id),
    label: (row.label as string | null) ?? null,
    synced: !!row.backed_up,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
  }));
}

export async function deletePasskey(ctx: IdentityContext, account: Account, passkeyId: string) {
  const deleted = await ctx.db
    .deleteFrom('identity.credential')
    .where('credential_id', '=', passkeyId)
    .where('account_id', '=', account.accountId)
    .where('kind', '=', 'passkey')
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1) throw new AppError('ERR_NOT_FOUND');
}

/** Options for a discoverable-credential login (no account named before the passkey answers). */
export async function passkeyLoginOptions(ctx: IdentityContext) {
  const options = await generateAuthenticationOptions({
    rpID: ctx.webauthn.rpID,
    userVerification: 'required',
  });
  const challengeId = await saveChallenge(ctx, 'passkey_login', options.challenge, null);
  return { challengeId, options };
}

/** A user-verified passkey is two factors at once (possession + PIN/biometric on the device). */
export async function passkeyLogin(
  ctx: IdentityContext,
  input: { challengeId: string; response: AuthenticationResponseJSON; device?: string | undefined },
): Promise<{ account: Account; session: Session; token: string }> {
  const expectedChallenge = await takeChallenge(ctx, input.challengeId, 'passkey_login', null);
  const row = await ctx.db
    .selectFrom('identity.credential')
    .select([
      'credential_id',
      'account_id',
      'external_id',
      'public_key',
      'counter',
      'backed_up',
      'transports',
    ])
    .where('kind', '=', 'passkey')
    .where('external_id', '=', input.response.id)
    .executeTakeFirst();
  if (!row) throw new AppError('ERR_PASSKEY_INVALID');
  const verification = await verifyAuthenticationResponse({
    response: input.response,
    expectedChallenge,
    expectedOrigin: ctx.webauthn.origin,
    expectedRPID: ctx.webauthn.rpID,
    requireUserVerification: true,
    credential: {
      id: String(row.external_id),
      publicKey: new Uint8Array(row.public_key as Buffer),
      counter: Number(row.counter),
    },
  }).catch((error: unknown) => {
    throw new AppError('ERR_PASSKEY_INVALID', (error as Error).message);
  });
  if (!verification.verified) throw new AppError('ERR_PASSKEY_INVALID');
  // A counter that did not grow (when the authenticator keeps one) means a cloned key: refused above
  // by the library; record the new value only if it is still the one we read (no race).
  const updated = await ctx.db
    .updateTable('identity.credential')
    .set({ counter: verification.authenticationInfo.newCounter, last_used_at: ctx.clock.now() })
    .where('credential_id', '=', row.credential_id)
    .where('counter', '=', row.counter)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('ERR_PASSKEY_INVALID', 'concurrent use');
  const account = await findAccountRow(ctx.db, { accountId: String(row.account_id) });
  if (!account) throw new AppError('ERR_PASSKEY_INVALID');
  assertUsable(account);
  await assertAlive(ctx, account);
  const amr: Amr[] = [row.backed_up ? 'swk' : 'hwk', 'user'];
  const { token, session } = await createSession(ctx, {
    accountId: account.accountId,
    acr: acrFor(account.level, amr),
    amr,
    device: input.device,
  });
  return { account, session, token };
}
