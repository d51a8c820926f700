import { type Database, ping } from '@dinhdanh/db';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';

/** One dependency's state as the readiness probe reports it. */
export type CheckState = 'ok' | 'unavailable' | 'degraded';

export interface HealthChecks {
  database: Database;
  /** Redis when configured: the provider's short-lived state and proof ids live there. */
  redis?: Redis | undefined;
  /** NATS when configured (see EventWorkers.natsStatus). */
  nats?: (() => 'ok' | 'failing' | 'off') | undefined;
}

const PING_LIMIT_MS = 1_000;

const withinLimit = (check: Promise<boolean>) =>
  Promise.race([check, new Promise<boolean>((resolve) => setTimeout(resolve, PING_LIMIT_MS, false).unref())]);

/**
 * Liveness and readiness. `/health/live`: the process answers (a supervisor restarts it only when
 * this fails). `/health/ready`: it can do its work — the database answers and, when configured,
 * Redis is connected; a load balancer sends traffic only to ready processes. NATS is reported but
 * does not make a process unready: events wait in the outbox while it is away, and every other
 * API keeps working, so taking the process out of service would only add an outage.
 * `/health` is kept as the readiness probe for existing monitors.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: HealthChecks): void {
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  const ready = async (_request: unknown, reply: FastifyReply) => {
    const states: Record<string, CheckState> = {
      database: (await withinLimit(ping(checks.database))) ? 'ok' : 'unavailable',
    };
    if (checks.redis) states.redis = checks.redis.status === 'ready' ? 'ok' : 'unavailable';
    const nats = checks.nats?.();
    if (nats && nats !== 'off') states.nats = nats === 'ok' ? 'ok' : 'degraded';
    const isReady = Object.values(states).every((state) => state !== 'unavailable');
    return reply
      .code(isReady ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: isReady ? 'ok' : 'unavailable', database: checks.database.kind, checks: states });
  };
  app.get('/health/ready', { schema: { hide: true } }, ready);
  app.get('/health', { schema: { hide: true } }, ready);
}
