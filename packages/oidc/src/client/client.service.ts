import { randomBytes, X509Certificate } from 'node:crypto';
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
    authMethod: 'private_key_jwt',
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

/**
 * The JWKS of a self-signed client certificate (PEM): its public key with the certificate as
 * `x5c`, which is how the provider matches a certificate presented over mutual TLS.
 */
function jwksOfCertificate(pem: string): { keys: Record<string, unknown>[] } {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new AppError('ERR_OIDC_CLIENT_INVALID', 'the TLS client certificate is not a PEM certificate');
  }
  if (certificate.publicKey.type !== 'public' || certificate.publicKey.asymmetricKeyType === undefined)
    throw new AppError('ERR_OIDC_CLIENT_INVALID', 'the TLS client certificate has no usable key');
  const jwk = certificate.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { keys: [{ ...jwk, x5c: [certificate.raw.toString('base64')], use: 'sig' }] };
}

/** Scopes a service client may hold: the exchange's, which the provider issues as JWT access tokens. */
export const SERVICE_SCOPE_PATTERN = /^exchange\.[a-z]+$/;

/**
 * Registers a service client (an agency of the exchange): client credentials only, DPoP-bound
 * tokens, authenticated by `private_key_jwt` with the given public keys or — with
 * `tlsClientCertificate` — by that self-signed certificate presented over mutual TLS. `db` may be
 * a transaction, so that the agency's own record and its client appear together.
 */
export async function registerServiceClient(
  db: Db,
  clock: Clock,
  input: {
    clientId: string;
    name: string;
    jwks?: unknown;
    tlsClientCertificate?: string | undefined;
    scopes: readonly string[];
  },
): Promise<RelyingParty> {
  const certificateJwks = input.tlsClientCertificate
    ? jwksOfCertificate(input.tlsClientCertificate)
    : undefined;
  if (certificateJwks && input.jwks !== undefined)
    throw new AppError('ERR_OIDC_CLIENT_INVALID', 'register either keys (jwks) or a TLS client certificate');
  const jwks = PublicJwks.safeParse(certificateJwks ?? input.jwks);
  if (!jwks.success)
    throw new AppError('ERR_OIDC_CLIENT_INVALID', jwks.error.issues.map((issue) => issue.message).join('; '));
  if (!input.scopes.every((scope) => SERVICE_SCOPE_PATTERN.test(scope)))
    throw new AppError('ERR_OIDC_CLIENT_INVALID', 'a service client holds exchange scopes only');
  const client: Omit<RelyingParty, 'disabled'> = {
    clientId: input.clientId,
    kind: 'service',
    authMethod: certificateJwks ? 'self_signed_tls_client_auth' : 'private_key_jwt',
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
