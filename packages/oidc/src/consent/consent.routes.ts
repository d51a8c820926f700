import { AppError } from '@dinhdanh/kernel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findClient } from '../client/client.service.ts';
import { identityToken } from '../context.ts';
import type { Oidc } from '../oidc.ts';
import { listActiveConsents, revokeConsents } from './consent.repository.ts';

const Consent = z.object({
  clientId: z.string(),
  clientName: z.string(),
  scopes: z.array(z.string()),
  claims: z.array(z.string()),
  grantedAt: z.string(),
});

/** The citizen's consents to relying parties: what each may read, and the way to withdraw it. */
export async function consentRoutes(app: FastifyInstance, options: { oidc: Oidc }): Promise<void> {
  const { oidc } = options;
  const { ctx } = oidc;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const account = async (request: FastifyRequest) => {
    const token = identityToken(request.headers);
    const found = token ? await ctx.identity.authenticateSession(token) : undefined;
    if (!found || found.account.locked) throw new AppError('ERR_UNAUTHENTICATED');
    return found.account;
  };

  api.get(
    '/me/consents',
    {
      schema: {
        tags: ['oidc'],
        summary: 'Relying parties I consented to',
        response: { 200: z.object({ items: z.array(Consent) }) },
      },
    },
    async (request) => {
      const { accountId } = await account(request);
      const consents = await listActiveConsents(ctx.db, accountId);
      const items = await Promise.all(
        consents.map(async (consent) => ({
          clientId: consent.clientId,
          clientName: (await findClient(ctx.db, consent.clientId))?.name ?? consent.clientId,
          scopes: consent.scopes,
          claims: consent.claims,
          grantedAt: consent.grantedAt,
        })),
      );
      return { items };
    },
  );

  api.delete(
    '/me/consents/:clientId',
    {
      schema: {
        tags: ['oidc'],
        summary: 'Withdraws my consent: the grant and every token under it are revoked',
        params: z.object({ clientId: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      const { accountId } = await account(request);
      const grants = await revokeConsents(ctx.db, accountId, request.params.clientId, ctx.clock.now());
      if (grants.length === 0) throw new AppError('ERR_OIDC_CONSENT_NOT_FOUND');
      for (const grantId of grants) await oidc.revokeGrant(grantId);
      return reply.code(204).send();
    },
  );
}
