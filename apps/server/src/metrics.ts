import type { ExchangeBacklog } from '@dinhdanh/exchange';
import type { Logger } from '@dinhdanh/kernel';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics: process defaults and HTTP requests by route pattern (never by raw URL). */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dinhdanh_' });
  const duration = new Histogram({
    name: 'dinhdanh_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
  return registry;
}

/**
 * Gauges of the exchange's waiting work: webhook deliveries pending and dead, matching jobs in
 * progress. One query per scrape serves all three; a failed query leaves the last values.
 */
export function exchangeBacklogGauges(
  registry: Registry,
  read: () => Promise<ExchangeBacklog>,
  logger: Logger,
): void {
  let latest: Promise<ExchangeBacklog | undefined> | undefined;
  const once = () => {
    latest ??= read()
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'exchange backlog metrics failed');
        return undefined;
      })
      .finally(() => {
        setImmediate(() => {
          latest = undefined;
        });
      });
    return latest;
  };
  const gauge = (name: string, help: string, pick: (backlog: ExchangeBacklog) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const backlog = await once();
        if (backlog) this.set(pick(backlog));
      },
    });
  gauge(
    'dinhdanh_exchange_deliveries_pending',
    'Webhook deliveries waiting to be sent',
    (b) => b.pendingDeliveries,
  );
  gauge(
    'dinhdanh_exchange_dead_letters',
    'Webhook deliveries given up on (dead letters)',
    (b) => b.deadLetters,
  );
  gauge(
    'dinhdanh_exchange_matching_jobs_active',
    'Matching jobs uploading, queued or matching',
    (b) => b.activeMatchingJobs,
  );
}
