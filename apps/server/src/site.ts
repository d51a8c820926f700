import type { Config } from '@dinhdanh/kernel';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** What the web app's front page and frame need to know about this installation. No personal data. */
export const SiteInfo = z.object({
  mode: z.enum(['development', 'production', 'test']),
  /** The operating authority (DINHDANH_AUTHORITY_NAME); null: the web app names the open-source system. */
  authorityName: z.string().nullable(),
  /** Outside production: the demo's own pages, each only when this process serves it. */
  demo: z
    .object({
      /** The demo relying party (`serve --demo`). */
      relyingParty: z.string().nullable(),
      /** The development SMS outbox, where one-time codes "sent" to phones can be read. */
      outbox: z.string().nullable(),
    })
    .nullable(),
});
export type SiteInfo = z.infer<typeof SiteInfo>;

export interface SiteOptions {
  config: Config;
  demoRelyingParty: boolean;
  devOutbox: boolean;
}

/** `GET /api/site/v1`: public, cacheable for a minute. */
export async function siteRoutes(app: FastifyInstance, options: SiteOptions): Promise<void> {
  const { config } = options;
  const info: SiteInfo = {
    mode: config.mode,
    authorityName: config.authorityName ?? null,
    demo:
      config.mode === 'production'
        ? null
        : {
            relyingParty: options.demoRelyingParty ? '/demo-rp' : null,
            outbox: options.devOutbox ? '/dev/outbox' : null,
          },
  };
  app.withTypeProvider<ZodTypeProvider>().get(
    '/',
    {
      schema: {
        tags: ['site'],
        summary: 'This installation: its mode, operating authority and (development) demo pages',
        response: { 200: SiteInfo },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return info;
    },
  );
}
