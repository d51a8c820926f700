import { AppError } from '@dinhdanh/kernel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { claimLabels, claimsForScopes } from '../claims/claim-catalogue.ts';
import { getClient } from '../client/client.service.ts';
import { insertConsent } from '../consent/consent.repository.ts';
import { acrFor, identityToken, levelOfAcr } from '../context.ts';
import type { Oidc } from '../oidc.ts';
import { levelRequiredBy } from '../provider/level-policy.ts';

const UidParam = z.object({ uid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const Label = z.object({ name: z.string(), vi: z.string(), en: z.string() });
const InteractionDetails = z.object({
  uid: z.string(),
  prompt: z.enum(['login', 'consent']),
  client: z.object({ clientId: z.string(), name: z.string(), logoUri: z.null() }),
  scopes: z.array(z.string()),
  claims: z.array(Label),
  requiredLevel: z.union([z.literal(1), z.literal(2)]),
  session: z
    .object({
      level: z.union([z.literal(1), z.literal(2)]),
      accountLevel: z.union([z.literal(1), z.literal(2)]).nullable(),
      amr: z.array(z.string()),
      authTime: z.string(),
      satisfies: z.boolean(),
    })
    .nullable(),
  /** The account is level 1 and the service needs level 2: explain how to reach it, offer to cancel. */
  upgradeRequired: z.boolean(),
  /** The account is level 2 but this session is not (single factor): log in again with two factors. */
  stepUpRequired: z.boolean(),
});
const Redirect = z.object({ redirectTo: z.string() });

/**
 * The web app's side of the interaction hand-off (ADR 0005): the page `/login/{uid}` reads what
 * is asked, the citizen logs in through the identity API, and these routes hand the result to
 * the provider. Who the user is always comes from the identity session cookie, never the body.
 */
export async function interactionRoutes(app: FastifyInstance, options: { oidc: Oidc }): Promise<void> {
  const { oidc } = options;
  const { provider, ctx } = oidc;
  const api = app.withTypeProvider<ZodTypeProvider>();

  const load = async (uid: string) => {
    const interaction = await provider.Interaction.find(uid);
    if (!interaction) throw new AppError('ERR_OIDC_INTERACTION_NOT_FOUND');
    const client = await getClient(ctx.db, String(interaction.params.client_id));
    const requiredLevel = levelRequiredBy(
      client.minLevel,
      interaction.params.acr_values,
      interaction.params.claims,
    );
    return { interaction, client, requiredLevel };
  };
  const identitySession = async (request: FastifyRequest) => {
    const token = identityToken(request.headers);
    const found = token ? await ctx.identity.authenticateSession(token) : undefined;
    return found && !found.account.locked ? found : undefined;
  };
  const save = async (interaction: Awaited<ReturnType<typeof load>>['interaction'], result: object) => {
    interaction.result = result as never;
    await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
    return { redirectTo: interaction.returnTo };
  };

  api.get(
    '/interactions/:uid',
    {
      schema: {
        tags: ['oidc'],
        summary: 'What a relying party asks for in a pending login',
        params: UidParam,
        response: { 200: InteractionDetails },
      },
    },
    async (request) => {
      const { interaction, client, requiredLevel } = await load(request.params.uid);
      const scopes = String(interaction.params.scope ?? '')
        .split(' ')
        .filter((scope) => client.scopes.includes(scope));
      const requested = new Set(claimsForScopes(scopes).filter((name) => name !== 'verified_claims'));
      try {
        const param = JSON.parse(String(interaction.params.claims ?? '{}')) as Record<
          string,
          Record<string, unknown>
        >;
        for (const use of ['id_token', 'userinfo'])
          for (const name of Object.keys(param[use] ?? {})) if (claimLabels[name]) requested.add(name);
      } catch {}
      const claims = [...requested]
        .filter((name) => client.claims.includes(name) || name === 'sub')
        .map((name) => ({ name, ...claimLabels[name]! }));
      const found = await identitySession(request);
      const session = found
        ? {
            level: found.session.acr,
            accountLevel: found.account.level,
            amr: found.session.amr,
            authTime: found.session.authTime.toISOString(),
            satisfies: found.session.acr >= requiredLevel,
          }
        : null;
      const prompt: 'login' | 'consent' = interaction.prompt.name === 'consent' ? 'consent' : 'login';
      return {
        uid: interaction.uid,
        prompt,
        client: { clientId: client.clientId, name: client.name, logoUri: null },
        scopes,
        claims,
        requiredLevel,
        session,
        upgradeRequired: !!found && requiredLevel === 2 && found.account.level !== 2,
        stepUpRequired: !!found && requiredLevel === 2 && found.account.level === 2 && found.session.acr < 2,
      };
    },
  );

  api.post(
    '/interactions/:uid/login',
    {
      schema: {
        tags: ['oidc'],
        summary: 'Completes the login step with the identity session of this browser',
        params: UidParam,
        response: { 200: Redirect },
      },
    },
    async (request) => {
      const { interaction, requiredLevel } = await load(request.params.uid);
      if (interaction.prompt.name !== 'login') throw new AppError('ERR_OIDC_INTERACTION_STATE');
      const found = await identitySession(request);
      if (!found) throw new AppError('ERR_UNAUTHENTICATED', 'log in first');
      if (found.session.acr < requiredLevel)
        throw new AppError(
          'ERR_LEVEL_INSUFFICIENT',
          found.account.level === 2
            ? 'this service needs a level-2 login: log in again with two factors'
            : 'this service needs a level-2 account',
        );
      return save(interaction, {
        login: {
          accountId: found.account.accountId,
          acr: acrFor(found.session.acr),
          amr: found.session.amr,
          ts: Math.floor(found.session.authTime.getTime() / 1000),
          remember: false,
        },
      });
    },
  );

  api.post(
    '/interactions/:uid/consent',
    {
      schema: {
        tags: ['oidc'],
        summary: 'Grants (or refuses) the relying party exactly what it asked for',
        params: UidParam,
        body: z.object({ approve: z.boolean() }),
        response: { 200: Redirect },
      },
    },
    async (request) => {
      const { interaction, client, requiredLevel } = await load(request.params.uid);
      if (interaction.prompt.name !== 'consent') throw new AppError('ERR_OIDC_INTERACTION_STATE');
      const accountId = interaction.session?.accountId;
      const found = await identitySession(request);
      if (!found || !accountId || found.account.accountId !== accountId)
        throw new AppError('ERR_UNAUTHENTICATED');
      if (!request.body.approve)
        return save(interaction, {
          error: 'access_denied',
          error_description: 'the citizen declined to share the requested data',
        });
      // The login prompt's level check is not the only guard: consent is where the code is
      // released, so both the provider's session and the identity session approving now must
      // reach the client's level (a session may have changed since the login step).
      const providerLevel = levelOfAcr(interaction.session?.acr) ?? 1;
      if (Math.min(providerLevel, found.session.acr) < requiredLevel)
        throw new AppError('ERR_LEVEL_INSUFFICIENT', 'this service needs a level-2 login: log in again');
      const grant = interaction.grantId
        ? ((await provider.Grant.find(interaction.grantId)) ??
          new provider.Grant({ accountId, clientId: client.clientId }))
        : new provider.Grant({ accountId, clientId: client.clientId });
      const details = interaction.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (details.missingOIDCScope?.length) grant.addOIDCScope(details.missingOIDCScope.join(' '));
      if (details.missingOIDCClaims?.length) grant.addOIDCClaims(details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {}))
        grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      const scopes = String(grant.getOIDCScope() ?? '')
        .split(' ')
        .filter(Boolean);
      await insertConsent(ctx.db, {
        accountId,
        clientId: client.clientId,
        scopes,
        claims: [...new Set([...claimsForScopes(scopes), ...(details.missingOIDCClaims ?? [])])].filter(
          (name) => client.claims.includes(name),
        ),
        grantId,
        at: ctx.clock.now(),
      });
      return save(interaction, { consent: { grantId } });
    },
  );

  api.post(
    '/interactions/:uid/abort',
    {
      schema: {
        tags: ['oidc'],
        summary: 'Cancels the login; the relying party receives an error',
        params: UidParam,
        body: z.object({ reason: z.enum(['cancelled', 'upgrade_required']).default('cancelled') }).default({
          reason: 'cancelled',
        }),
        response: { 200: Redirect },
      },
    },
    async (request) => {
      const { interaction } = await load(request.params.uid);
      return save(
        interaction,
        request.body.reason === 'upgrade_required'
          ? {
              error: 'unmet_authentication_requirements',
              error_description: 'the account does not reach the required level',
            }
          : { error: 'access_denied', error_description: 'the citizen cancelled the login' },
      );
    },
  );
}
