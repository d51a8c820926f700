import type { Db } from '@dinhdanh/db';
import type { Clock, Logger } from '@dinhdanh/kernel';
import type { RegistryContext } from '@dinhdanh/registry';

/** acr values (ADR 0005): the assurance a login reached. */
export const ACR_LEVEL1 = 'urn:dinhdanh:acr:level1';
export const ACR_LEVEL2 = 'urn:dinhdanh:acr:level2';
export const acrFor = (level: 1 | 2) => (level === 2 ? ACR_LEVEL2 : ACR_LEVEL1);
export const levelOfAcr = (acr: string | undefined): 1 | 2 | undefined =>
  acr === ACR_LEVEL2 ? 2 : acr === ACR_LEVEL1 ? 1 : undefined;

/** What the provider needs to know of an eID account. */
export interface OidcAccount {
  accountId: string;
  /** The registry person behind the account; null for organisations and accounts without one. */
  idNumber: string | null;
  level: 1 | 2 | null;
  /** A locked account gets nothing from the provider: no login, refresh or userinfo. */
  locked: boolean;
  /** When the account reached level 2 (the verification time of `verified_claims`). */
  level2At: Date | null;
}

export interface IdentitySession {
  sessionId: string;
  acr: 1 | 2;
  amr: string[];
  authTime: Date;
}

/**
 * The provider's view of the identity package: the hand-off and the account lookup, nothing
 * more (DESIGN.md "Boundaries"). The composition root adapts identity's exported functions.
 */
export interface IdentityPort {
  /** The valid session behind a session token (cookie or bearer), or undefined. */
  authenticateSession(token: string): Promise<{ account: OidcAccount; session: IdentitySession } | undefined>;
  findAccount(accountId: string): Promise<OidcAccount | undefined>;
}

export const IDENTITY_SESSION_COOKIE = '__Host-dinhdanh-session';

export interface OidcContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  identity: IdentityPort;
  /** Registry reads (claims) go through the registry's exported functions with this context. */
  registry: RegistryContext;
  /** HMAC secret for audit subject keys. */
  subjectSecret: Uint8Array;
}

/** The identity session token of a request: the session cookie, or a wallet's bearer token. */
export function identityToken(headers: { cookie?: string | undefined; authorization?: string | undefined }) {
  for (const part of (headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === IDENTITY_SESSION_COOKIE)
      return decodeURIComponent(part.slice(index + 1).trim());
  }
  const bearer = headers.authorization?.match(/^Bearer ([A-Za-z0-9._~+/=-]+)$/);
  return bearer?.[1];
}
