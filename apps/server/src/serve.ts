import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { checkpointSigner, startCheckpointer } from '@dinhdanh/audit';
import { databaseFault } from '@dinhdanh/db';
import { startIdentityWorkers } from '@dinhdanh/identity';
import { AppError, type Config, createLogger, type Logger, toProblem } from '@dinhdanh/kernel';
import { loadProviderKeys } from '@dinhdanh/oidc';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp, type OidcDeps } from './app.ts';
import { RETRY_AFTER_SECONDS } from './errors.ts';
import { oidcKeyMaterial, openPlatform, type Platform, serverDatabaseLimits } from './platform.ts';

export interface Running {
  app: FastifyInstance;
  platform: Platform;
  url: string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  logger?: Logger;
  beforeListen?: (platform: Platform) => Promise<void>;
  handleSignals?: boolean;
  /** Development: also mount the demo relying party (/demo-rp). */
  demo?: boolean;
  /** Called once the port is open, before the database is reached (the process answers 503 until ready). */
  onListening?: (url: string) => void;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The answer of a process that is starting (waiting for its database) or stopping: alive, not
 * ready, and every other request a catalogued 503 with Retry-After, so clients and load
 * balancers retry elsewhere or later instead of meeting a refused connection.
 */
function notServing(phase: 'starting' | 'stopping'): Handler {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const body =
      path === '/health/live'
        ? { status: 'ok', phase }
        : path === '/health/ready' || path === '/health'
          ? { status: 'unavailable', phase }
          : toProblem(
              new AppError('ERR_UNAVAILABLE'),
              /^en\b/i.test(String(request.headers['accept-language'] ?? '')) ? 'en' : 'vi',
            );
    const status = path === '/health/live' ? 200 : 503;
    response.writeHead(status, {
      'content-type':
        status === 200 || path.startsWith('/health') ? 'application/json' : 'application/problem+json',
      'cache-control': 'no-store',
      ...(status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {}),
      ...(phase === 'stopping' ? { connection: 'close' } : {}),
    });
    response.end(JSON.stringify(body));
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens the platform, waiting for the database as long as it takes while it is merely
 * unavailable (not started yet, restarting, failing over): the first attempt at once, then with
 * capped back-off. Any other failure (bad configuration, a changed migration) ends the start.
 */
async function openWhenAvailable(
  config: Config,
  logger: Logger,
  isStopping: () => boolean,
): Promise<Platform> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openPlatform(config, {
        limits: serverDatabaseLimits(config),
        onConnectionError: (error) =>
          logger.warn(
            { code: (error as { code?: string }).code, msg: error.message },
            'database connection lost',
          ),
      });
    } catch (error) {
      if (!databaseFault(error) || isStopping()) throw error;
      const waitMs = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
      logger.warn(
        { attempt, retryInMs: waitMs, code: (error as { code?: string }).code },
        'database unavailable; waiting for it before migrating and serving',
      );
      await sleep(waitMs);
    }
  }
}

/**
 * Starts the platform: open the port at once (answering 503 while starting), wait for the
 * database, migrate, optionally seed a demo population, then serve; stop cleanly on
 * SIGINT/SIGTERM (new requests get 503, accepted ones finish, then the database closes).
 */
export async function serve(config: Config, options: ServeOptions = {}): Promise<Running> {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, config.logFormat);
  let handler: Handler = notServing('starting');
  const server = createServer((request, response) => handler(request, response));
  // Slowloris guard and keep-alive below common load balancers' idle timeouts' expectations.
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // uploads are bounded by size; the request deadline guards the rest
  try {
    await listen(server, config.host, config.port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new AppError('ERR_UNAVAILABLE', `port ${config.port} on ${config.host} is already in use`);
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  options.onListening?.(url);

  let stopRequested = false;
  let platform: Platform | undefined;
  let redis: Redis | undefined;
  let app: FastifyInstance | undefined;
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  // A signal while still waiting for the database ends the process at once: nothing is in progress.
  let stopOnSignal = async () => {
    stopRequested = true;
    await closeServer();
  };
  if (options.handleSignals) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'shutting down');
        void stopOnSignal().then(() => process.exit(0));
      });
    }
  }
  try {
    platform = await openWhenAvailable(config, logger, () => stopRequested);
    await options.beforeListen?.(platform);
    // With REDIS_URL the provider's short-lived state is shared by every process through Redis.
    redis =
      (config.roles.includes('idp') || config.roles.includes('exchange')) && config.redisUrl
        ? connectRedis(config.redisUrl, logger)
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
            providerKeys: await loadProviderKeys(config.keysDir, {
              allowCreate: config.mode !== 'production',
            }),
            redis,
          }
        : undefined;
    let fastifyHandler: Handler | undefined;
    app = await buildApp({
      ...platform,
      logger,
      ...(oidc ? { oidc } : {}),
      ...(exchange ? { exchange } : {}),
      serverFactory: (routed) => {
        fastifyHandler = routed;
        return server;
      },
    });
    await app.ready();
    if (!fastifyHandler) throw new Error('the HTTP handler was not created');
    handler = fastifyHandler;
  } catch (error) {
    await app?.close().catch(() => undefined);
    redis?.disconnect();
    await platform?.database.close().catch(() => undefined);
    await closeServer();
    throw error;
  }
  const started = { app, platform };
  // Signed checkpoints every minute; several processes may run this, the sequencer lock keeps one at a time.
  const checkpointer = config.roles.includes('audit')
    ? startCheckpointer(started.platform.database, await checkpointSigner(started.platform.keys), {
        every: config.checkpointEveryMs,
        onError: (error) => logger.error({ err: error }, 'audit checkpoint failed'),
      })
    : undefined;
  // The registry change follower (deaths lock accounts) and the expiry sweep, in idp processes.
  const stopIdentityWorkers =
    config.roles.includes('idp') && started.app.identity
      ? startIdentityWorkers(started.app.identity)
      : undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopRequested = true;
    stopping ??= (async () => {
      // New requests (also on kept-alive connections) get 503; accepted ones finish first.
      handler = notServing('stopping');
      await closeServer();
      await started.app.close();
      await checkpointer?.stop();
      await stopIdentityWorkers?.();
      redis?.disconnect();
      await started.platform.database.close();
    })();
    return stopping;
  };
  stopOnSignal = stop;
  return { app: started.app, platform: started.platform, url, stop };
}

/**
 * Redis that survives its server restarting: reconnects forever with capped back-off, a command
 * issued while it is away fails fast (one retry) so the caller answers 503 instead of hanging,
 * and errors are logged, never left to an absent listener.
 */
function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(2_000, 50 * 2 ** Math.min(attempt, 6)),
  });
  let reported = false;
  redis.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    logger.warn({ msg: error.message }, 'redis unavailable; reconnecting');
  });
  redis.on('ready', () => {
    if (reported) logger.info('redis connected again');
    reported = false;
  });
  return redis;
}
