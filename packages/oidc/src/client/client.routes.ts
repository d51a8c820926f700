import { AppError } from '@dinhdanh/kernel';
import { verifyOfficerToken } from '@dinhdanh/registry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OidcContext } from '../context.ts';
import { ClientRegistration, RelyingParty } from './client.schema.ts';
import { getClient, listClients, registerClient, removeClient } from './client.service.ts';

const security = [{ officerToken: [] }];

/**
 * Administration of relying parties. Only a national-level supervisor (officer token with
 * role `supervisor` at unit `VN`) may register or remove one: an RP receives people's data.
 */
export async function clientAdminRoutes(
  app: FastifyInstance,
  options: { ctx: OidcContext; officerTokenKey: Uint8Array },
): Promise<void> {
  const { ctx, officerTokenKey } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.addHook('onRequest', async (request: FastifyRequest) => {
    const match = request.headers.authorization?.match(/^Bearer ([A-Za-z0-9._~+/=-]+)$/);
    if (!match?.[1]) throw new AppError('ERR_UNAUTHENTICATED', 'an officer bearer token is required');
    const officer = await verifyOfficerToken(officerTokenKey, ctx.registry.units, match[1], ctx.clock.now());
    if (officer.role !== 'supervisor' || officer.unit.code !== 'VN')
      throw new AppError('ERR_FORBIDDEN', 'relying parties are managed by national-level supervisors');
  });

  api.post(
    '/admin/clients',
    {
      schema: {
        tags: ['oidc'],
        summary: 'Registers a relying party',
        security,
        body: ClientRegistration,
        response: { 201: RelyingParty },
      },
    },
    async (request, reply) => reply.code(201).send(await registerClient(ctx.db, ctx.clock, request.body)),
  );
  api.get(
    '/admin/clients',
    {
      schema: {
        tags: ['oidc'],
        summary: 'Relying parties',
        security,
        response: { 200: z.object({ items: z.array(RelyingParty) }) },
      },
    },
    async () => ({ items: await listClients(ctx.db) }),
  );
  api.get(
    '/admin/clients/:clientId',
    {
      schema: {
        tags: ['oidc'],
        summary: 'One relying party',
        security,
        params: z.object({ clientId: z.string().max(100) }),
        response: { 200: RelyingParty },
      },
    },
    async (request) => getClient(ctx.db, request.params.clientId),
  );
  api.delete(
    '/admin/clients/:clientId',
    {
      schema: {
        tags: ['oidc'],
        summary: 'Disables a relying party',
        security,
        params: z.object({ clientId: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      await removeClient(ctx.db, request.params.clientId);
      return reply.code(204).send();
    },
  );
}
