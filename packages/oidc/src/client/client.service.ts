import { randomBytes } from 'node:crypto';
import type { Db } from '@dinhdanh/db';
import { AppError, type Clock } from '@dinhdanh/kernel';
import { claimsForScopes } from '../claims/claim-catalogue.ts';
import { disableClientRow, findClientRow, insertClient, listClientRows } from './client.repository.ts';
import { ClientRegistration, PublicJwks, type RelyingParty } from './client.schema.ts';

/**
 * Registers a relying party. Its claims follow its scopes (`id_number` only when that scope is
 * given). RPs whose redirect URIs span several hosts must name a sector: pairwise subjects are
 * per sector, and a sector-identifier document is not fetched.
 */
export async function registerClient(db: Db, clock: Clock, input: ClientRegistration): Promise<RelyingParty> {
  const parsed = ClientRegistration.safeParse(input);
  if (!parsed.success)
    throw new AppError(
      'ERR_OIDC_CLIENT_INVALID',
      parsed.error.issues.map((issue) => issue.message).join('; '),
    );
  const registration = parsed.data;
  const hosts = new Set(registration.redirectUris.map((uri) => new URL(uri).host));
  if (hosts.size > 1)
    throw new AppError(
      'ERR_OIDC_CLIENT_INVALID',
      'all redirect URIs must share one host; register one client per host with the same sector',
    );
  const client: Omit<RelyingParty, 'disabled'> = {
    clientId: `rp-${randomBytes(12).toString('base64url')}`,
    kind: 'relying_party',
    name: registration.name,
    redirectUris: registration.redirectUris,
    postLogoutRedirectUris: registration.postLogoutRedirectUris,
    backchannelLogoutUri: registration.backchannelLogoutUri ?? null,
    jwks: registration.jwks,
    scopes: [...new Set(registration.scopes)],
    claims: claimsForScopes(registration.scopes),
    minLevel: registration.minLevel,
    sector: registration.sector ?? [...hosts][0]!,
    createdAt: clock.now().toISOString(),
  };
  await insertClient(db, client);
  return { ...client, disabled: false };
}

export function findClient(db: Db, clientId: string): Promise<RelyingParty | undefined> {
  return findClientRow(db, clientId);
}

export async function getClient(db: Db, clientId: string): Promise<RelyingParty> {
  const client = await findClientRow(db, clientId);
  if (!client) throw new AppError('ERR_OIDC_CLIENT_NOT_FOUND');
  return client;
}

/** Relying parties (service clients are listed by the exchange as agencies). */
export function listClients(db: Db): Promise<RelyingParty[]> {
  return listClientRows(db, 'relying_party');
}

/** Scopes a service client may hold: the exchange's, which the provider issues as JWT access tokens. */
export const SERVICE_SCOPE_PATTERN = /^exchange\.[a-z]+$/;

/**
 * Registers a service client (an agency of the exchange): client credentials only, authenticated
 * by `private_key_jwt` with the given public keys, DPoP-bound tokens. `db` may be a transaction,
 * so that the agency's own record and its client appear together.
 */
export async function registerServiceClient(
  db: Db,
  clock: Clock,
  input: { clientId: string; name: string; jwks: unknown; scopes: readonly string[] },
): Promise<RelyingParty> {
  const jwks = PublicJwks.safeParse(input.jwks);
  if (!jwks.success)
    throw new AppError('ERR_OIDC_CLIENT_INVALID', jwks.error.issues.map((issue) => issue.message).join('; '));
  if (!input.scopes.every((scope) => SERVICE_SCOPE_PATTERN.test(scope)))
    throw new AppError('ERR_OIDC_CLIENT_INVALID', 'a service client holds exchange scopes only');
  const client: Omit<RelyingParty, 'disabled'> = {
    clientId: input.clientId,
    kind: 'service',
    name: input.name,
    redirectUris: [],
    postLogoutRedirectUris: [],
    backchannelLogoutUri: null,
    jwks: jwks.data,
    scopes: [...new Set(input.scopes)],
    claims: [],
    minLevel: 1,
    sector: input.clientId,
    createdAt: clock.now().toISOString(),
  };
  await insertClient(db, client);
  return { ...client, disabled: false };
}

/** Disables a client: the row stays (consents and audit entries name it), the provider forgets it. */
export async function removeClient(db: Db, clientId: string): Promise<void> {
  if (!(await disableClientRow(db, clientId))) throw new AppError('ERR_OIDC_CLIENT_NOT_FOUND');
}
