import { AppError } from '@dinhdanh/kernel';
import { getPerson, type Officer, officerAccessor, verifyOfficerToken } from '@dinhdanh/registry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AgencyAuthenticator, AgencyPrincipal } from '../auth/agency-principal.ts';
import type { ExchangeContext } from '../context.ts';
import { MAX_DOCUMENTS_PER_PUSH, PersonDocument, PushResult } from './document.schema.ts';
import { listPersonDocuments, pushDocuments } from './document.service.ts';
import type { DocumentRules } from './document-kinds.ts';

export interface EnrichmentRoutesOptions {
  exchange: ExchangeContext;
  authenticateAgency: AgencyAuthenticator;
  /** Verifies officer bearer tokens for the console's read of a person's documents. */
  officerTokenKey: Uint8Array;
  rules?: DocumentRules;
}

const agencySecurity = [{ agencyDpop: [] }];
const officerSecurity = [{ officerToken: [] }];

const PushBody = z.object({
  purpose: z.string().min(1).max(100),
  // Each document is checked on its own so that one bad document is reported back, not the batch.
  documents: z
    .array(z.unknown())
    .min(1)
    .describe(
      'Up to 1,000 of { kind, idNumber, number, issuer?, issuedOn?, validFrom?, validUntil?, recordedAt?, holder?: { fullName?, dateOfBirth? }, data }',
    ),
});

/**
 * Enrichment under /api/exchange/v1: agencies push sectoral documents (scope `exchange.enrich`),
 * and officers read a person's documents in the console. Agencies authenticate before their body
 * is validated, so an unauthenticated caller learns nothing from validation messages.
 */
export async function enrichmentRoutes(
  app: FastifyInstance,
  options: EnrichmentRoutesOptions,
): Promise<void> {
  const { exchange } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const principals = new WeakMap<FastifyRequest, AgencyPrincipal>();
  const officers = new WeakMap<FastifyRequest, Officer>();

  api.post(
    '/documents',
    {
      // 1,000 documents of a few hundred bytes each, with room for vehicle and licence details.
      bodyLimit: 8 * 1024 * 1024,
      preValidation: async (request) => {
        const documents = (request.body as { documents?: unknown } | undefined)?.documents;
        const count = Array.isArray(documents) ? documents.length : 0;
        if (count > MAX_DOCUMENTS_PER_PUSH) throw new AppError('ERR_EXCHANGE_BATCH_TOO_LARGE');
        principals.set(
          request,
          await options.authenticateAgency(request, 'exchange.enrich', Math.max(count, 1)),
        );
      },
      schema: {
        tags: ['exchange'],
        summary:
          'Push sectoral documents linked to people (social and health insurance, tax code, licences, vehicles, vaccinations)',
        description:
          'Per document: "stored" (new, or a new version — earlier versions are kept), "unchanged" (same content again) or "rejected" with the reason: not_found, deceased, invalid (field errors) or conflict (holder name or date of birth not matching the registry, a date before birth, the number recorded for another person, a version older than the one on file). Nothing on file is overwritten. The whole call fails only for a kind the agency may not push (ERR_EXCHANGE_DOCUMENT_KIND), a purpose it was not granted, or more than 1,000 documents (413).',
        security: agencySecurity,
        body: PushBody,
        response: { 200: PushResult },
      },
    },
    async (request) => {
      const principal = principals.get(request);
      if (!principal) throw new AppError('ERR_UNAUTHENTICATED');
      return pushDocuments(exchange, principal, request.body.purpose, request.body.documents, options.rules);
    },
  );

  api.get(
    '/officer/people/:idNumber/documents',
    {
      preValidation: async (request) => {
        const token = request.headers.authorization?.match(/^Bearer ([A-Za-z0-9._~+/=-]+)$/)?.[1];
        if (!token) throw new AppError('ERR_UNAUTHENTICATED', 'an officer bearer token is required');
        officers.set(
          request,
          await verifyOfficerToken(
            options.officerTokenKey,
            exchange.registry.units,
            token,
            exchange.clock.now(),
          ),
        );
      },
      schema: {
        tags: ['exchange'],
        summary: 'A person’s sectoral documents from agencies, with their history (officer)',
        description: 'Any officer may read; each read is on the person’s access log.',
        security: officerSecurity,
        params: z.object({ idNumber: z.string() }),
        response: { 200: z.object({ items: z.array(PersonDocument) }) },
      },
    },
    async (request) => {
      const officer = officers.get(request);
      if (!officer) throw new AppError('ERR_UNAUTHENTICATED');
      // A person not in the registry is a 404, as in the registry's own API.
      await getPerson(exchange.registry, request.params.idNumber);
      const items = await listPersonDocuments(exchange, request.params.idNumber, {
        accessor: officerAccessor(officer),
        history: true,
      });
      return { items };
    },
  );
}
