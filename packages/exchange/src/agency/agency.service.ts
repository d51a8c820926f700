import { randomBytes } from 'node:crypto';
import { AppError } from '@dinhdanh/kernel';
import { registerServiceClient, removeClient } from '@dinhdanh/oidc';
import type { ExchangeContext } from '../context.ts';
import { disableAgencyRow, findAgencyRow, insertAgency, listAgencyRows } from './agency.repository.ts';
import { type Agency, AgencyRegistration } from './agency.schema.ts';

/** How an agency authenticates: its public keys (private_key_jwt) or a self-signed TLS certificate (mTLS). */
export type AgencyCredentials =
  | { jwks: unknown; tlsClientCertificate?: undefined }
  | { jwks?: undefined; tlsClientCertificate: string };

/**
 * Registers an agency: its exchange record (purposes, field policy, quotas) and its OAuth client
 * (client credentials, the same id; `private_key_jwt` with `jwks`, or `self_signed_tls_client_auth`
 * with `tlsClientCertificate`) in one transaction.
 */
export async function registerAgency(
  ctx: Pick<ExchangeContext, 'db' | 'clock'>,
  input: AgencyRegistration & AgencyCredentials,
): Promise<Agency> {
  if ((input.jwks === undefined) === (input.tlsClientCertificate === undefined))
    throw new AppError('ERR_EXCHANGE_AGENCY_INVALID', 'give either jwks or tlsClientCertificate');
  const parsed = AgencyRegistration.safeParse(input);
  if (!parsed.success)
    throw new AppError(
      'ERR_EXCHANGE_AGENCY_INVALID',
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  const registration = parsed.data;
  const codes = registration.purposes.map((purpose) => purpose.code);
  if (new Set(codes).size !== codes.length)
    throw new AppError('ERR_EXCHANGE_AGENCY_INVALID', 'purpose codes must be unique');
  const agencyId = `ag-${randomBytes(12).toString('base64url')}`;
  const agency: Agency = {
    agencyId,
    clientId: agencyId,
    name: registration.name,
    scopes: [...new Set(registration.scopes)],
    purposes: registration.purposes.map((purpose) => ({ ...purpose, fields: [...new Set(purpose.fields)] })),
    eventTypes: [...new Set(registration.eventTypes)],
    documentKinds: [...new Set(registration.documentKinds)],
    ratePerSecond: registration.ratePerSecond,
    quotaPerDay: registration.quotaPerDay,
    createdAt: ctx.clock.now().toISOString(),
    disabled: false,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await insertAgency(trx, agency);
    try {
      await registerServiceClient(trx, ctx.clock, {
        clientId: agency.agencyId,
        name: agency.name,
        ...(input.tlsClientCertificate !== undefined
          ? { tlsClientCertificate: input.tlsClientCertificate }
          : { jwks: input.jwks }),
        scopes: agency.scopes,
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'ERR_OIDC_CLIENT_INVALID')
        throw new AppError('ERR_EXCHANGE_AGENCY_INVALID', error.detail ?? 'the keys are invalid');
      throw error;
    }
  });
  return agency;
}

export function findAgency(ctx: Pick<ExchangeContext, 'db'>, agencyId: string): Promise<Agency | undefined> {
  return findAgencyRow(ctx.db, agencyId);
}

export async function getAgency(ctx: Pick<ExchangeContext, 'db'>, agencyId: string): Promise<Agency> {
  const agency = await findAgencyRow(ctx.db, agencyId);
  if (!agency) throw new AppError('ERR_EXCHANGE_AGENCY_NOT_FOUND');
  return agency;
}

export function listAgencies(ctx: Pick<ExchangeContext, 'db'>): Promise<Agency[]> {
  return listAgencyRows(ctx.db);
}

/**
 * Disables an agency: its client can get no new tokens, and the exchange refuses tokens already
 * issued once its agency cache refreshes (seconds). The rows stay: audit entries name it.
 */
export async function disableAgency(
  ctx: Pick<ExchangeContext, 'db' | 'clock'>,
  agencyId: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await disableAgencyRow(trx, agencyId, ctx.clock.now())))
      throw new AppError('ERR_EXCHANGE_AGENCY_NOT_FOUND');
    await removeClient(trx, agencyId);
  });
}
