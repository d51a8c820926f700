import type { Redis } from 'ioredis';
import type Provider from 'oidc-provider';
import { adapterFactory } from './adapter/adapter-factory.ts';
import { installAtomicReplayDetection, redisSeenBefore, sqlSeenBefore } from './adapter/replay-detection.ts';
import { sweepExpiredModels } from './adapter/sql-adapter.ts';
import type { OidcContext } from './context.ts';
import { createProvider, type ProviderOptions } from './provider/provider.ts';

/** Models that belong to a grant: revoking the grant deletes them. */
const grantMembers = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'Grant',
];

/** The provider with the operations the rest of the platform needs around it. */
export interface Oidc {
  ctx: OidcContext;
  provider: Provider;
  /** Revokes a grant and every token issued under it. */
  revokeGrant(grantId: string): Promise<void>;
  /**
   * Ends the provider sessions established with these identity sessions and notifies the RPs
   * that asked for back-channel logout. Identity calls it (hooks.sessionEnded) at logout, lock,
   * password change and "end this session".
   */
  endSessions(identitySessionIds: readonly string[]): Promise<void>;
  /** Deletes expired provider rows. */
  sweep(): Promise<number>;
}

export function createOidc(ctx: OidcContext, options: ProviderOptions & { redis?: Redis | undefined }): Oidc {
  const provider = createProvider(ctx, options);
  installAtomicReplayDetection(
    provider,
    options.redis ? redisSeenBefore(options.redis) : sqlSeenBefore(ctx.db),
  );
  const store = adapterFactory({ db: ctx.db, redis: options.redis });
  return {
    ctx,
    provider,
    async revokeGrant(grantId) {
      for (const name of grantMembers) await store(name).revokeByGrantId(grantId);
      await store('Grant').destroy(grantId);
    },
    async endSessions(identitySessionIds) {
      if (identitySessionIds.length === 0) return;
      const rows = await ctx.db
        .selectFrom('oidc.model')
        .select(['id', 'payload'])
        .where('kind', '=', 'Session')
        .where('identity_session_id', 'in', [...identitySessionIds])
        .execute();
      for (const row of rows) {
        const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as {
          accountId?: string;
          authorizations?: Record<string, { sid?: string }>;
        };
        await store('Session').destroy(row.id);
        if (!payload.accountId) continue;
        for (const [clientId, { sid }] of Object.entries(payload.authorizations ?? {})) {
          const client = await provider.Client.find(clientId);
          if (!client?.backchannelLogoutUri || !sid) continue;
          await (client as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> })
            .backchannelLogout(payload.accountId, sid)
            .catch((error: unknown) =>
              ctx.logger.warn({ err: error, clientId }, 'back-channel logout delivery failed'),
            );
        }
      }
    },
    sweep: () => sweepExpiredModels(ctx.db),
  };
}
