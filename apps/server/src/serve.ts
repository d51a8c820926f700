import { checkpointSigner, startCheckpointer } from '@dinhdanh/audit';
import { startIdentityWorkers } from '@dinhdanh/identity';
import { AppError, type Config, createLogger, type Logger } from '@dinhdanh/kernel';
import { loadProviderKeys } from '@dinhdanh/oidc';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp, type OidcDeps } from './app.ts';
import { oidcKeyMaterial, openPlatform, type Platform } from './platform.ts';

export interface Running {
  app: FastifyInstance;
  platform: Platform;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the platform: migrate, optionally seed a demo population, listen, and stop cleanly on
 * SIGINT/SIGTERM (in-flight requests finish, then the database closes).
 */
export async function serve(
  config: Config,
  options: {
    logger?: Logger;
    beforeListen?: (platform: Platform) => Promise<void>;
    handleSignals?: boolean;
    /** Development: also mount the demo relying party (/demo-rp). */
    demo?: boolean;
  } = {},
): Promise<Running> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const platform = await openPlatform(config);
  await options.beforeListen?.(platform);
  // With REDIS_URL the provider's short-lived state is shared by every process through Redis.
  const redis =
    (config.roles.includes('idp') || config.roles.includes('exchange')) && config.redisUrl
      ? new Redis(config.redisUrl)
      : undefined;
  const oidc: OidcDeps | undefined = config.roles.includes('idp')
    ? {
        ...(await oidcKeyMaterial(config, platform.keys)),
        redis,
        ...(options.demo && config.mode !== 'production'
          ? { demoRelyingParty: { keysDir: config.keysDir } }
          : {}),
      }
    : undefined;
  // A process serving the exchange without the provider still verifies the provider's tokens.
  const exchange =
    config.roles.includes('exchange') && !oidc
      ? {
          providerKeys: await loadProviderKeys(config.keysDir, { allowCreate: config.mode !== 'production' }),
          redis,
        }
      : undefined;
  const app = await buildApp({
    ...platform,
    logger,
    ...(oidc ? { oidc } : {}),
    ...(exchange ? { exchange } : {}),
  });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    redis?.disconnect();
    await platform.database.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new AppError('ERR_UNAVAILABLE', `port ${config.port} on ${config.host} is already in use`);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Signed checkpoints every minute; several processes may run this, the sequencer lock keeps one at a time.
  const checkpointer = config.roles.includes('audit')
    ? startCheckpointer(platform.database, await checkpointSigner(platform.keys), {
        every: config.checkpointEveryMs,
        onError: (error) => logger.error({ err: error }, 'audit checkpoint failed'),
      })
    : undefined;
  // The registry change follower (deaths lock accounts) and the expiry sweep, in idp processes.
  const stopIdentityWorkers =
    config.roles.includes('idp') && app.identity ? startIdentityWorkers(app.identity) : undefined;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app.close();
      await checkpointer?.stop();
      await stopIdentityWorkers?.();
      redis?.disconnect();
      await platform.database.close();
    })();
    return stopping;
  };
  if (options.handleSignals) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'shutting down');
        void stop().then(() => process.exit(0));
      });
    }
  }
  return { app, platform, url, stop };
}
