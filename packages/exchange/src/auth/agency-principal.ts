import type { FastifyRequest } from 'fastify';
import type { Agency, ExchangeScope, Purpose } from '../agency/agency.schema.ts';

/** The agency behind an authenticated exchange request. */
export interface AgencyPrincipal {
  agency: Agency;
  /** Scopes granted in the access token (a subset of the agency's). */
  scopes: readonly ExchangeScope[];
}

/**
 * Authenticates an exchange request (DPoP-bound access token from the provider's client
 * credentials grant) and requires `scope`; throws ERR_UNAUTHENTICATED / ERR_EXCHANGE_SCOPE.
 * Also applies the agency's rate limit. `records` is how many records the call carries, for
 * the daily quota (a batch of 1,000 counts 1,000).
 */
export type AgencyAuthenticator = (
  request: FastifyRequest,
  scope: ExchangeScope,
  records?: number,
) => Promise<AgencyPrincipal>;

/** The purpose a call names, if the agency holds it; throws ERR_EXCHANGE_PURPOSE otherwise. */
export type PurposeCheck = (principal: AgencyPrincipal, purpose: string) => Purpose;
