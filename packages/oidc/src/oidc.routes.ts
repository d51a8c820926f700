import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientAdminRoutes } from './client/client.routes.ts';
import { consentRoutes } from './consent/consent.routes.ts';
import { interactionRoutes } from './interaction/interaction.routes.ts';
import type { Oidc } from './oidc.ts';

export interface OidcRoutesOptions {
  oidc: Oidc;
  officerTokenKey: Uint8Array;
}

/**
 * Mounts the provider at the server's root (discovery under /.well-known, protocol routes under
 * /oidc) and the JSON API under /api/oidc/v1. The protocol routes live in an encapsulated scope
 * without body parsers: oidc-provider reads the raw request itself.
 */
export async function oidcRoutes(app: FastifyInstance, options: OidcRoutesOptions): Promise<void> {
  const { oidc } = options;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const callback = oidc.provider.callback();
    const handOver = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      await callback(request.raw, reply.raw);
    };
    for (const path of [
      '/oidc/*',
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
    ])
      scope.route({
        method: ['GET', 'POST', 'OPTIONS', 'HEAD'],
        url: path,
        handler: handOver,
        schema: { hide: true },
      });
  });
  await app.register(
    async (api) => {
      await api.register(interactionRoutes, { oidc });
      await api.register(consentRoutes, { oidc });
      await api.register(clientAdminRoutes, { ctx: oidc.ctx, officerTokenKey: options.officerTokenKey });
    },
    { prefix: '/api/oidc/v1' },
  );
}
