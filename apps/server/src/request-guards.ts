import type { Database } from '@dinhdanh/db';
import { AppError, type Logger } from '@dinhdanh/kernel';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import { sendProblem } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * This route's deadline in ms, overriding the read/write default; 0 for none (long uploads
     * and downloads, which are bounded by their size and the database's statement timeout).
     */
    deadlineMs?: number;
  }
}

export interface RequestGuardOptions {
  /** GET and HEAD. */
  readDeadlineMs: number;
  /** Every other method. */
  writeDeadlineMs: number;
  /** Requests in progress beyond which new ones are answered 503 at once. */
  maxInFlight: number;
  metrics: Registry;
  database: Database;
  logger: Logger;
}

// Probes and scrapes must answer while the process is saturated: that is when they matter.
const unguarded = (url: string) => url.startsWith('/health') || url === '/metrics';

/**
 * Two guards on every request. Load shedding: beyond `maxInFlight` requests in progress a new one
 * gets 503 ERR_OVERLOADED at once, so latency stays bounded instead of growing with a queue
 * nobody will wait for. Deadlines: a request not answered in time gets 503 ERR_DEADLINE_EXCEEDED
 * with Retry-After. The database's statement, lock and pool limits are derived from the read
 * deadline (platform.ts), so the work itself fails and rolls back — audit entry included — at
 * about the same moment; the timer here is the backstop that answers the client regardless.
 */
export function installRequestGuards(app: FastifyInstance, options: RequestGuardOptions): void {
  const { metrics, logger } = options;
  let inFlight = 0;
  const shed = new Counter({
    name: 'dinhdanh_http_requests_shed_total',
    help: 'Requests answered 503 at once because too many were in progress',
    registers: [metrics],
  });
  const pastDeadline = new Counter({
    name: 'dinhdanh_http_requests_deadline_exceeded_total',
    help: 'Requests answered 503 because their deadline passed',
    registers: [metrics],
  });
  new Gauge({
    name: 'dinhdanh_http_requests_in_flight',
    help: 'Requests in progress in this process',
    registers: [metrics],
    collect() {
      this.set(inFlight);
    },
  });
  new Gauge({
    name: 'dinhdanh_http_max_in_flight',
    help: 'Requests in progress beyond which new ones are shed',
    registers: [metrics],
  }).set(options.maxInFlight);
  new Gauge({
    name: 'dinhdanh_db_pool_connections',
    help: 'Database connections of this process by state (waiting: requests waiting for one)',
    labelNames: ['state'],
    registers: [metrics],
    collect() {
      const stats = options.database.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });

  const releases = new WeakMap<FastifyRequest, () => void>();
  app.addHook('onRequest', (request, reply, done) => {
    if (unguarded(request.url)) return done();
    if (inFlight >= options.maxInFlight) {
      shed.inc();
      return done(new AppError('ERR_OVERLOADED'));
    }
    inFlight += 1;
    const configured = request.routeOptions.config?.deadlineMs;
    const deadlineMs =
      configured ??
      (request.method === 'GET' || request.method === 'HEAD'
        ? options.readDeadlineMs
        : options.writeDeadlineMs);
    const timer =
      deadlineMs > 0
        ? setTimeout(() => answerLate(request, reply, () => pastDeadline.inc(), logger), deadlineMs)
        : undefined;
    timer?.unref();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight -= 1;
      if (timer) clearTimeout(timer);
    };
    releases.set(request, release);
    // 'close' also fires when the client goes away before the answer.
    reply.raw.once('close', release);
    done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    releases.get(request)?.();
    done();
  });
}

function answerLate(request: FastifyRequest, reply: FastifyReply, count: () => void, logger: Logger): void {
  // A streamed answer already under way, or one the route took over (the OpenID provider's), is
  // not interrupted here; the database limits still bound it.
  if (reply.sent || reply.raw.headersSent) return;
  count();
  sendProblem(request, reply, new AppError('ERR_DEADLINE_EXCEEDED'), logger);
}
