import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cardOfficerRoutes, cardRoutes, cardTrustLoader } from '@dinhdanh/card';
import type { Database } from '@dinhdanh/db';
import {
  type AgencyAuthenticator,
  agencyAdminRoutes,
  agencyAuthenticator,
  type ExchangeContext,
  enrichmentRoutes,
  eventRoutes,
  exchangeBacklog,
  exchangeScopes,
  matchingRoutes,
  nationalSupervisorGuard,
  peopleRoutes,
  startEventWorkers,
  startMatchingWorker,
  UsageMeter,
} from '@dinhdanh/exchange';
import {
  authenticateSession,
  citizenAuthenticator,
  createIdentityContext,
  findAccountById,
  type IdentityContext,
  type IdentityContextOptions,
  identityRoutes,
  optionalCitizen,
} from '@dinhdanh/identity';
import {
  AppError,
  type Clock,
  type Config,
  FileKeyStore,
  type KeyStore,
  type Logger,
  systemClock,
} from '@dinhdanh/kernel';
import {
  createOidc,
  type IdentityPort,
  type Oidc,
  oidcRoutes,
  type PrivateJwk,
  redisSeenBefore,
  sqlSeenBefore,
} from '@dinhdanh/oidc';
import {
  type AdminUnits,
  citizenAccessLogRoutes,
  defaultRules,
  type RegistryContext,
  registryRoutes,
} from '@dinhdanh/registry';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerFactory,
  LogController,
} from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { actorDirectory } from './actor-directory.ts';
import { apiDocsUi } from './api-docs.ts';
import { devOutboxPage } from './demo/dev-outbox-page.ts';
import { sendProblem, toAppError } from './errors.ts';
import { registerHealthRoutes } from './health.ts';
import { exchangeBacklogGauges, registerMetrics } from './metrics.ts';
import { relyingPartyAuthenticator } from './relying-party-auth.ts';
import { installRequestGuards } from './request-guards.ts';
import { siteRoutes } from './site.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  units: AdminUnits;
  officerTokenKey: Uint8Array;
  subjectSecret: Uint8Array;
  /** HMAC key of identity's one-time codes and throttle keys; derived from subjectSecret when absent. */
  identitySecret?: Uint8Array;
  /** Overrides for identity (tests: outbox file, WebAuthn origin, policy, hooks). */
  identity?: Partial<Omit<IdentityContextOptions, 'config' | 'registry' | 'logger' | 'officerTokenKey'>>;
  logger: Logger;
  clock?: Clock;
  /** Directory of the built web app; defaults to apps/web/dist. */
  webDist?: string;
  /** The OpenID provider (role idp): identity's hand-off and the provider's keys. */
  oidc?: OidcDeps;
  /** The exchange (role exchange) in a process without the provider: the provider's signing keys. */
  exchange?: { providerKeys?: PrivateJwk[]; redis?: Redis | undefined };
  /** The key store (serve passes the platform's); defaults to the file store in the keys directory. */
  keys?: KeyStore;
  /** serve: the HTTP server it already listens on (it answers 503 until the app is ready). */
  serverFactory?: FastifyServerFactory;
}

/** The exchange API's resource indicator: the audience of agencies' access tokens. */
export const exchangeAudience = (issuer: string) => `${issuer}/api/exchange/v1`;

export interface OidcDeps {
  /** Defaults to the identity package's sessions and accounts; tests may substitute it. */
  identity?: IdentityPort;
  signingKeys: PrivateJwk[];
  cookieKey: Uint8Array;
  pairwiseKey: Uint8Array;
  redis?: Redis | undefined;
  /** Tests only: back-channel logout to RPs on loopback (see ProviderOptions). */
  allowLoopbackFetch?: boolean;
  /** Called with the provider once built. */
  onReady?: (oidc: Oidc) => void;
  /** Development only (`serve --demo`): mount the demo relying party at /demo-rp. */
  demoRelyingParty?: { keysDir: string };
}

/** The provider's port onto identity (DESIGN.md: they meet at the hand-off and the account lookup). */
export function identityPort(identity: IdentityContext): IdentityPort {
  const view = (account: Awaited<ReturnType<typeof findAccountById>> & object) => ({
    accountId: account.accountId,
    idNumber: account.idNumber,
    level: account.level,
    locked: account.locks.length > 0,
    level2At: account.level2At,
  });
  return {
    async authenticateSession(token) {
      const found = await authenticateSession(identity, token);
      if (!found) return undefined;
      return {
        account: view(found.account),
        session: {
          sessionId: found.session.sessionId,
          acr: found.session.acr,
          amr: [...found.session.amr],
          authTime: found.session.authTime,
        },
      };
    },
    async findAccount(accountId) {
      const account = await findAccountById(identity, accountId);
      return account ? view(account) : undefined;
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The identity context when the process serves idp or audit (serve.ts starts its workers). */
    identity?: IdentityContext;
  }
}

const defaultWebDist = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** The composition root: one Fastify app with each package's routes mounted by role. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, logger } = deps;
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Request logs carry the route pattern, never the URL: paths hold ID numbers.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(given) ? given : randomUUID();
    },
    trustProxy: false,
    ...(deps.serverFactory ? { serverFactory: deps.serverFactory } : {}),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Readable development logs show a request only when it failed or was slow; JSON logs show all.
  const quietRequests = config.logFormat === 'pretty';
  app.addHook('onResponse', async (request, reply) => {
    if (quietRequests && reply.statusCode < 400 && reply.elapsedTime < 1_000) return;
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, toAppError(error), logger));
  app.setNotFoundHandler((request, reply) => {
    const webIndex = deps.webDist ?? defaultWebDist;
    if (
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      config.roles.includes('web') &&
      existsSync(`${webIndex}/index.html`)
    )
      return reply.type('text/html').sendFile('index.html', webIndex);
    return sendProblem(request, reply, new AppError('ERR_NOT_FOUND'), logger);
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: config.mode === 'production',
  });
  await app.register(rateLimit, {
    global: true,
    max: 10_000,
    timeWindow: '1 minute',
    allowList: (request) => request.ip === '127.0.0.1' && config.mode !== 'production',
    errorResponseBuilder: () => new AppError('ERR_RATE_LIMITED'),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'dinhdanh API',
        version: '0.1.0',
        description: 'National population data and digital identity',
      },
      components: {
        securitySchemes: {
          officerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          citizenSession: { type: 'apiKey', in: 'cookie', name: '__Host-dinhdanh-session' },
          // Agencies: `Authorization: DPoP <JWT access token>` with a DPoP proof (RFC 9449).
          agencyDpop: { type: 'http', scheme: 'DPoP', bearerFormat: 'JWT' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, apiDocsUi);

  const metrics = registerMetrics(app);
  installRequestGuards(app, {
    readDeadlineMs: config.requestDeadlineMs,
    writeDeadlineMs: config.writeDeadlineMs,
    maxInFlight: config.maxInFlight,
    metrics,
    database,
    logger,
  });
  // The provider's issuer, and the origin the card and exchange APIs name as their audience.
  const publicIssuer = config.issuer ?? `http://${config.host}:${config.port}`;
  let natsStatus: (() => 'ok' | 'failing' | 'off') | undefined;
  registerHealthRoutes(app, {
    database,
    redis: deps.oidc?.redis ?? deps.exchange?.redis,
    nats: () => natsStatus?.() ?? 'off',
  });

  const ctx: RegistryContext = {
    db: database.db,
    units: deps.units,
    clock: deps.clock ?? systemClock,
    rules: defaultRules,
    audit: { subjectSecret: deps.subjectSecret, auditReads: config.auditReads },
  };
  // Access logs name agencies, services and account holders (identity is created below).
  const names = actorDirectory(database.db, () => identity);
  if (config.roles.includes('registry')) {
    await app.register(registryRoutes, {
      prefix: '/api/registry/v1',
      ctx,
      officerTokenKey: deps.officerTokenKey,
      actorDirectory: names,
    });
  }

  // identity: eID accounts and citizen sessions (the audit access log authenticates with them too).
  // When a citizen's session ends (logout, lock, password change), the provider's sessions built
  // on it end too and relying parties get back-channel logout; the provider is created below.
  let provider: Oidc | undefined;
  const identity: IdentityContext | undefined =
    config.roles.includes('idp') || config.roles.includes('audit')
      ? createIdentityContext({
          ...deps.identity,
          hooks: {
            ...deps.identity?.hooks,
            sessionEnded: async (sessionIds) => {
              await deps.identity?.hooks?.sessionEnded?.(sessionIds);
              await provider?.endSessions(sessionIds);
            },
          },
          config,
          registry: ctx,
          logger,
          officerTokenKey: deps.officerTokenKey,
          ...(deps.identitySecret ? { secret: deps.identitySecret } : {}),
        })
      : undefined;
  if (identity) app.decorate('identity', identity);
  if (identity && config.roles.includes('idp')) {
    await app.register(identityRoutes, { prefix: '/api/identity/v1', ctx: identity });
    if (config.mode !== 'production') devOutboxPage(app, identity);
  }

  if (identity && config.roles.includes('audit')) {
    await app.register(citizenAccessLogRoutes, {
      prefix: '/api/audit/v1',
      db: database.db,
      authenticateCitizen: citizenAuthenticator(identity),
      units: deps.units,
      actorDirectory: names,
    });
  }

  // ── OpenID provider ──
  if (config.roles.includes('idp') && deps.oidc && identity) {
    const clock = deps.clock ?? systemClock;
    const oidc = createOidc(
      {
        db: database.db,
        clock,
        logger,
        identity: deps.oidc.identity ?? identityPort(identity),
        registry: {
          db: database.db,
          units: deps.units,
          clock,
          rules: defaultRules,
          audit: { subjectSecret: deps.subjectSecret, auditReads: config.auditReads },
        },
        subjectSecret: deps.subjectSecret,
      },
      {
        issuer: publicIssuer,
        signingKeys: deps.oidc.signingKeys,
        cookieKey: deps.oidc.cookieKey,
        pairwiseKey: deps.oidc.pairwiseKey,
        redis: deps.oidc.redis,
        allowLoopbackFetch: deps.oidc.allowLoopbackFetch === true && config.mode !== 'production',
        // An https issuer means TLS ends at a proxy in front: trust its X-Forwarded-* headers.
        proxy: (config.issuer ?? '').startsWith('https:'),
        // Agencies get JWT access tokens for the exchange API (client credentials).
        trustClientCertHeader: config.trustClientCertHeader,
        serviceResource: {
          audience: exchangeAudience(publicIssuer),
          scopes: exchangeScopes,
        },
      },
    );
    await app.register(oidcRoutes, { oidc, officerTokenKey: deps.officerTokenKey });
    const sweeper = setInterval(() => {
      oidc.sweep().catch((error: unknown) => logger.warn({ err: error }, 'oidc sweep failed'));
    }, 60_000);
    sweeper.unref();
    app.addHook('onClose', async () => clearInterval(sweeper));
    provider = oidc;
    deps.oidc.onReady?.(oidc);
    if (deps.oidc.demoRelyingParty && config.mode !== 'production') {
      // Imported only here: openid-client is a development dependency.
      const { demoRelyingParty } = await import('./demo/demo-relying-party.ts');
      await app.register(demoRelyingParty, {
        db: database.db,
        clock,
        logger,
        issuer: publicIssuer,
        keysDir: deps.oidc.demoRelyingParty.keysDir,
      });
    }
  }
  // ── end of OpenID provider ──

  // Chip-card verification for relying parties (registered OIDC clients, by signed assertion).
  if (config.roles.includes('card')) {
    const clock = deps.clock ?? systemClock;

    await app.register(cardRoutes, {
      prefix: '/api/card/v1',
      registry: ctx,
      trust: cardTrustLoader({ keysDir: config.keysDir, extraFiles: config.cardTrustFiles, clock }),
      authenticateRelyingParty: relyingPartyAuthenticator({
        db: database.db,
        clock,
        audience: `${publicIssuer}/api/card/v1`,
        seenBefore: sqlSeenBefore(database.db),
      }),
    });
    // The officer console's card actions (officer bearer tokens, unit-scoped writes); the shared
    // trust store follows a new CSCA or a Document Signer revocation at once.
    await app.register(cardOfficerRoutes, {
      prefix: '/api/card/v1/officer',
      registry: ctx,
      officerTokenKey: deps.officerTokenKey,
      config,
      trust: cardTrustLoader({ keysDir: config.keysDir, extraFiles: config.cardTrustFiles, clock }),
    });
  }

  // ── exchange: agencies' databases (verification, lookup, bulk matching, enrichment, events) ──
  if (config.roles.includes('exchange')) {
    const clock = deps.clock ?? systemClock;
    const exchange: ExchangeContext = {
      db: database.db,
      clock,
      logger,
      registry: ctx,
      subjectSecret: deps.subjectSecret,
    };
    const adminGuard = nationalSupervisorGuard({
      officerTokenKey: deps.officerTokenKey,
      units: deps.units,
      clock,
    });
    // Agencies authenticate with DPoP-bound JWT access tokens from the provider's client
    // credentials grant, verified here with the provider's public keys.

    const providerKeys = deps.exchange?.providerKeys ?? deps.oidc?.signingKeys ?? [];
    const exchangeRedis = deps.oidc?.redis ?? deps.exchange?.redis;
    // Operators' view of waiting work, read from the database at each scrape (shared by all processes).
    exchangeBacklogGauges(metrics, () => exchangeBacklog(database.db), logger);
    const meter = new UsageMeter({ db: database.db, clock, logger });
    meter.start();
    app.addHook('onClose', async () => meter.stop());
    const authenticateAgency: AgencyAuthenticator =
      providerKeys.length > 0
        ? agencyAuthenticator({
            db: database.db,
            clock,
            issuer: publicIssuer,
            audience: exchangeAudience(publicIssuer),
            providerKeys,
            publicOrigins: [new URL(publicIssuer).origin],
            // Proof ids: Redis when configured; the database when several processes run without it;
            // else this process's memory.
            seenBefore: exchangeRedis
              ? redisSeenBefore(exchangeRedis)
              : config.workers > 1
                ? sqlSeenBefore(database.db)
                : undefined,
            meter,
          })
        : async () => {
            throw new AppError('ERR_UNAUTHENTICATED', 'agency authentication is not configured');
          };
    await app.register(agencyAdminRoutes, { prefix: '/api/exchange/v1', ctx: exchange, guard: adminGuard });
    await app.register(peopleRoutes, {
      prefix: '/api/exchange/v1',
      ctx: exchange,
      authenticateAgency,
      authenticateCitizen: async (request) => {
        const found = identity ? await optionalCitizen(identity, request) : undefined;
        return found?.account.idNumber ? { idNumber: found.account.idNumber } : undefined;
      },
    });
    // exchange: bulk matching (mounted here)
    const matching = { ...exchange, database };
    const matchingWorker = startMatchingWorker(matching);
    app.addHook('onClose', async () => matchingWorker.stop());
    await app.register(matchingRoutes, {
      prefix: '/api/exchange/v1',
      ctx: matching,
      authenticateAgency,
      adminGuard,
      worker: matchingWorker,
    });
    await app.register(enrichmentRoutes, {
      prefix: '/api/exchange/v1',
      exchange,
      authenticateAgency,
      officerTokenKey: deps.officerTokenKey,
    });
    // exchange: change events — subscriptions, webhook keys, dead letters, and the workers that
    // follow the registry feed into the outbox, send signed webhooks and publish to NATS.
    const eventKeys =
      deps.keys ?? new FileKeyStore(config.keysDir, { allowCreate: config.mode !== 'production' });
    await app.register(eventRoutes, {
      prefix: '/api/exchange/v1',
      ctx: exchange,
      authenticateAgency,
      adminGuard,
      keys: eventKeys,
      config,
    });
    const eventWorkers = startEventWorkers(exchange, {
      keys: eventKeys,
      natsUrl: config.natsUrl,
      policy: {
        attemptTimeoutMs: config.webhookTimeoutMs,
        deadAfterMs: config.webhookDeadAfterHours * 3_600_000,
      },
    });
    natsStatus = eventWorkers.natsStatus;
    app.addHook('onClose', async () => eventWorkers.stop());
  }
  // ── end of exchange ──

  // The web app's front page and frame: the installation's mode, authority and demo pages.
  if (config.roles.includes('web')) {
    const idp = config.roles.includes('idp') && config.mode !== 'production';
    await app.register(siteRoutes, {
      prefix: '/api/site/v1',
      config,
      demoRelyingParty: idp && !!deps.oidc?.demoRelyingParty,
      devOutbox: idp && !!identity?.devOutbox,
    });
  }

  const webDist = deps.webDist ?? defaultWebDist;
  if (config.roles.includes('web') && existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: ['index.html'] });
  }
  return app;
}
