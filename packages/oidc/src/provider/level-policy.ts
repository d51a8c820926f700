import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { type IdentityPort, identityToken, levelOfAcr } from '../context.ts';

const { Check, base } = interactionPolicy;

/** Where a request's verified identity session id is kept for the adapter (see oidc.model). */
export const IDENTITY_SESSION_STATE = 'dinhdanhIdentitySessionId';

/**
 * The level a request needs: the client's minimum, raised by `acr_values` or an essential `acr`
 * claim that accepts only level 2.
 */
export function levelRequiredBy(minLevel: unknown, acrValues: unknown, claimsParameter: unknown): 1 | 2 {
  const asked = new Set<string>();
  if (typeof acrValues === 'string') for (const value of acrValues.split(' ')) if (value) asked.add(value);
  let claims = claimsParameter;
  if (typeof claims === 'string') {
    try {
      claims = JSON.parse(claims);
    } catch {
      claims = undefined;
    }
  }
  const acrClaim = (
    claims as { id_token?: { acr?: { essential?: boolean; value?: string; values?: string[] } } }
  )?.id_token?.acr;
  if (acrClaim?.essential) {
    if (acrClaim.value) asked.add(acrClaim.value);
    for (const value of acrClaim.values ?? []) asked.add(value);
  }
  const levels = [...asked].map(levelOfAcr).filter((level) => level !== undefined);
  const askedLevel = levels.length > 0 ? Math.min(...levels) : 1;
  return minLevel === 2 || askedLevel === 2 ? 2 : 1;
}

export function requiredLevel(ctx: KoaContextWithOIDC): 1 | 2 {
  const { oidc } = ctx;
  return levelRequiredBy(oidc.client?.['dinhdanh_min_level'], oidc.params?.acr_values, oidc.claims);
}

/**
 * The login prompt asks for a login whenever the provider's session is not backed by a valid
 * identity session of the same account reaching the required level: the identity session is
 * the truth (logout, lock and password change end it), the provider's is a cache of it.
 */
export function interactionPolicyFor(identity: IdentityPort) {
  const policy = base();
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider base policy has no login prompt');
  const checks = login.checks as unknown as InstanceType<typeof Check>[];
  const afterNoSession = checks.findIndex((check) => check.reason === 'no_session') + 1;
  checks.splice(
    afterNoSession,
    0,
    new Check('identity_session', 'a valid identity session is required', async (ctx) => {
      const { oidc } = ctx;
      const token = identityToken({
        cookie: ctx.req.headers.cookie,
        authorization: undefined,
      });
      const found = token ? await identity.authenticateSession(token) : undefined;
      if (!found || found.account.locked || found.account.accountId !== oidc.session?.accountId)
        return Check.REQUEST_PROMPT;
      ctx.state[IDENTITY_SESSION_STATE] = found.session.sessionId;
      return Check.NO_NEED_TO_PROMPT;
    }),
    new Check('identity_level', 'the session does not reach the required level', (ctx) => {
      // Every ID token states the level and factors, asked for or not: RPs decide on them.
      const oidc = ctx.oidc as unknown as { claims?: { id_token?: Record<string, unknown> } };
      oidc.claims ??= {};
      oidc.claims.id_token ??= {};
      oidc.claims.id_token.acr ??= null;
      oidc.claims.id_token.amr ??= null;
      const sessionLevel = levelOfAcr(ctx.oidc.session?.acr) ?? 1;
      return sessionLevel < requiredLevel(ctx) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}
