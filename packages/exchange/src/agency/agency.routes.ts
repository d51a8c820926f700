import type { Officer } from '@dinhdanh/registry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminSecurity } from '../admin/admin-guard.ts';
import type { ExchangeContext } from '../context.ts';
import { listUsage } from './agency.repository.ts';
import { Agency, AgencyRegistration } from './agency.schema.ts';
import { disableAgency, getAgency, listAgencies, registerAgency } from './agency.service.ts';

const UsageItem = z.object({
  agencyId: z.string(),
  day: z.string(),
  operation: z.string(),
  count: z.number(),
});

/** Administration of agencies and their usage, for national-level supervisors. */
export async function agencyAdminRoutes(
  app: FastifyInstance,
  options: { ctx: ExchangeContext; guard: (request: FastifyRequest) => Promise<Officer> },
): Promise<void> {
  const { ctx } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.addHook('onRequest', async (request) => {
    await options.guard(request);
  });

  api.post(
    '/admin/agencies',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Registers an agency (and its OAuth client, whose id is the agency id)',
        security: adminSecurity,
        body: z.object({
          ...AgencyRegistration.shape,
          /** The agency's public keys (private_key_jwt) … */
          jwks: z.unknown().optional(),
          /** … or its self-signed certificate (PEM) for mutual TLS. */
          tlsClientCertificate: z.string().max(16_384).optional(),
        }),
        response: { 201: Agency },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await registerAgency(ctx, request.body as Parameters<typeof registerAgency>[1])),
  );
  api.get(
    '/admin/agencies',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Agencies',
        security: adminSecurity,
        response: { 200: z.object({ items: z.array(Agency) }) },
      },
    },
    async () => ({ items: await listAgencies(ctx) }),
  );
  api.get(
    '/admin/agencies/:agencyId',
    {
      schema: {
        tags: ['exchange'],
        summary: 'One agency',
        security: adminSecurity,
        params: z.object({ agencyId: z.string().max(100) }),
        response: { 200: Agency },
      },
    },
    async (request) => getAgency(ctx, request.params.agencyId),
  );
  api.delete(
    '/admin/agencies/:agencyId',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Disables an agency: no new tokens, current ones refused within seconds',
        security: adminSecurity,
        params: z.object({ agencyId: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      await disableAgency(ctx, request.params.agencyId);
      return reply.code(204).send();
    },
  );
  api.get(
    '/admin/usage',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Records per day and operation (counted every few seconds)',
        security: adminSecurity,
        querystring: z.object({
          days: z.coerce.number().int().min(1).max(366).default(30),
          agencyId: z.string().max(100).optional(),
        }),
        response: { 200: z.object({ items: z.array(UsageItem) }) },
      },
    },
    async (request) => ({
      items: await listUsage(ctx.db, {
        days: request.query.days,
        today: ctx.clock.now().toISOString().slice(0, 10),
        ...(request.query.agencyId ? { agencyId: request.query.agencyId } : {}),
      }),
    }),
  );
}
