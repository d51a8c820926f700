import { AppError } from '@dinhdanh/kernel';
import { IdNumberString, RecordedPersonReads } from '@dinhdanh/registry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAgencyRows } from '../agency/agency.repository.ts';
import type { AgencyAuthenticator, AgencyPrincipal } from '../auth/agency-principal.ts';
import { purposeOf } from '../auth/purpose.ts';
import { ComparableField } from '../compare/field-compare.ts';
import type { ExchangeContext } from '../context.ts';
import { consentsOf, grantConsent, withdrawConsentOf } from './consent.service.ts';
import { lookUpPerson, verifyPeople } from './people.service.ts';

export const MAX_BATCH = 1_000;
const agencySecurity = [{ agencyDpop: [] }];
const citizenSecurity = [{ citizenSession: [] }];

const FieldValues = z
  .partialRecord(ComparableField, z.string().max(500))
  .refine((fields) => Object.keys(fields).length > 0, 'send at least one field to check');
const VerificationRecord = z.strictObject({ idNumber: IdNumberString, fields: FieldValues });
const Outcome = z.enum(['match', 'mismatch']);
const VerificationResult = z.object({
  idNumber: z.string(),
  found: z.boolean(),
  alive: z.boolean(),
  fields: z.partialRecord(ComparableField, Outcome),
});
const PurposeCode = z.string().min(1).max(100);
const VerificationBody = z.union([
  z.strictObject({ purpose: PurposeCode, idNumber: IdNumberString, fields: FieldValues }),
  z.strictObject({ purpose: PurposeCode, records: z.array(VerificationRecord).min(1) }),
]);

const Consent = z.object({
  consentId: z.string(),
  agencyId: z.string(),
  agencyName: z.string(),
  purpose: z.string(),
  grantedAt: z.string(),
  expiresAt: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
});
const presentConsent = ({
  idNumber: _idNumber,
  ...consent
}: z.infer<typeof Consent> & { idNumber: string }) => consent;

export interface PeopleRoutesOptions {
  ctx: ExchangeContext;
  authenticateAgency: AgencyAuthenticator;
  /** The citizen behind an identity session (wired by the server; exchange does not depend on identity). */
  authenticateCitizen: (request: FastifyRequest) => Promise<{ idNumber: string } | undefined>;
}

declare module 'fastify' {
  interface FastifyRequest {
    agencyPrincipal?: AgencyPrincipal;
  }
}

const principalOf = (request: FastifyRequest): AgencyPrincipal => {
  if (!request.agencyPrincipal) throw new AppError('ERR_UNAUTHENTICATED');
  return request.agencyPrincipal;
};

/**
 * Identity verification and lookups for agencies, and the citizen's consents to lookups.
 * Agencies authenticate before their body is validated (preValidation), so an unauthenticated
 * caller learns nothing from validation messages; a batch counts its records toward the quota.
 */
export async function peopleRoutes(app: FastifyInstance, options: PeopleRoutesOptions): Promise<void> {
  const { ctx } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const reads = new RecordedPersonReads(ctx.db, ctx.clock);

  api.post(
    '/verifications',
    {
      preValidation: async (request) => {
        const body = request.body as { records?: unknown } | undefined;
        const records = Array.isArray(body?.records) ? body.records.length : 1;
        if (records > MAX_BATCH) throw new AppError('ERR_EXCHANGE_BATCH_TOO_LARGE');
        request.agencyPrincipal = await options.authenticateAgency(request, 'exchange.verify', records);
      },
      schema: {
        tags: ['exchange'],
        summary:
          'Checks the data an agency holds against the registry (one record or a batch of up to 1,000)',
        description:
          'Per field "match" or "mismatch" (names folded for diacritics, case and spacing, one typing slip tolerated in names of 8+ letters), whether the person is found and alive. Returns nothing the agency did not send. Every field must be in the named purpose\'s policy.',
        security: agencySecurity,
        body: VerificationBody,
        response: { 200: z.union([VerificationResult, z.object({ results: z.array(VerificationResult) })]) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const purpose = purposeOf(principal, request.body.purpose);
      if ('records' in request.body) {
        const records = request.body.records.map((record) => ({
          idNumber: record.idNumber,
          fields: record.fields,
        }));
        return { results: await verifyPeople(ctx, reads, principal, purpose, records) };
      }
      const { idNumber, fields } = request.body;
      const [result] = await verifyPeople(ctx, reads, principal, purpose, [{ idNumber, fields }]);
      return result as z.infer<typeof VerificationResult>;
    },
  );

  api.get(
    '/people/:idNumber',
    {
      preValidation: async (request) => {
        request.agencyPrincipal = await options.authenticateAgency(request, 'exchange.lookup', 1);
      },
      schema: {
        tags: ['exchange'],
        summary: "A person's data within the purpose's field policy",
        description:
          "Only with the purpose's legal basis or the citizen's recorded consent (ERR_EXCHANGE_NO_LEGAL_BASIS otherwise). Each call names its purpose; each is on the citizen's access log.",
        security: agencySecurity,
        params: z.object({ idNumber: IdNumberString }),
        querystring: z.object({ purpose: PurposeCode }),
        response: {
          200: z.object({
            idNumber: z.string(),
            purpose: z.string(),
            basis: z.union([
              z.object({ kind: z.literal('legal_basis'), text: z.string() }),
              z.object({ kind: z.literal('consent'), consentId: z.string(), grantedAt: z.string() }),
            ]),
            fields: z.record(z.string(), z.unknown()),
          }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return lookUpPerson(
        ctx,
        reads,
        principal,
        purposeOf(principal, request.query.purpose),
        request.params.idNumber,
      );
    },
  );

  // ── the citizen's consents to lookups (wallet) ──
  const citizen = async (request: FastifyRequest) => {
    const found = await options.authenticateCitizen(request);
    if (!found) throw new AppError('ERR_UNAUTHENTICATED', 'log in with your eID account');
    return found.idNumber;
  };
  api.get(
    '/me/consents',
    {
      schema: {
        tags: ['exchange'],
        summary: 'My consents to agencies looking up my data',
        security: citizenSecurity,
        response: { 200: z.object({ items: z.array(Consent) }) },
      },
    },
    async (request) => ({ items: (await consentsOf(ctx, await citizen(request))).map(presentConsent) }),
  );
  api.get(
    '/me/consentable',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Agencies and purposes that may look up my data only with my consent',
        description:
          'Enabled agencies holding exchange.lookup, with their purposes that have no legal basis of their own, and the fields each would receive.',
        security: citizenSecurity,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                agencyId: z.string(),
                agencyName: z.string(),
                purposes: z.array(
                  z.object({ code: z.string(), description: z.string(), fields: z.array(z.string()) }),
                ),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      await citizen(request);
      const agencies = await listAgencyRows(ctx.db);
      return {
        items: agencies
          .filter((agency) => !agency.disabled && agency.scopes.includes('exchange.lookup'))
          .map((agency) => ({
            agencyId: agency.agencyId,
            agencyName: agency.name,
            purposes: agency.purposes
              .filter((purpose) => purpose.legalBasis === null)
              .map(({ code, description, fields }) => ({ code, description, fields })),
          }))
          .filter((agency) => agency.purposes.length > 0),
      };
    },
  );
  api.post(
    '/me/consents',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Consents that an agency may look up my data for one purpose',
        security: citizenSecurity,
        body: z.strictObject({
          agencyId: z.string().min(1).max(100),
          purpose: PurposeCode,
          expiresAt: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 201: Consent },
      },
    },
    async (request, reply) =>
      reply.code(201).send(presentConsent(await grantConsent(ctx, await citizen(request), request.body))),
  );
  api.delete(
    '/me/consents/:consentId',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Withdraws one of my consents',
        security: citizenSecurity,
        params: z.object({ consentId: z.string().min(1).max(100) }),
        response: { 200: Consent },
      },
    },
    async (request) =>
      presentConsent(await withdrawConsentOf(ctx, await citizen(request), request.params.consentId)),
  );
}
