import type { KeyStore } from '@dinhdanh/kernel';
import type { ExchangeContext } from '../context.ts';
import { followRegistryChanges } from './event-follower.ts';
import { NatsPublisher } from './nats-publisher.ts';
import { sweepOutbox } from './outbox-sweep.repository.ts';
import { backoffMs, type DispatchPolicy, WebhookDispatcher } from './webhook-dispatcher.ts';
import { type WebhookSigner, webhookSigner } from './webhook-signature.ts';

export interface EventWorkerOptions {
  /** Holds the webhook signing key (`exchange-webhook`). */
  keys: KeyStore;
  /** With NATS_URL set: every event is also published to JetStream. */
  natsUrl?: string | undefined;
  /** How often the change feed is read and the outbox polled (ms); default 1000. */
  pollMs?: number;
  /** Delivered deliveries and finished events are deleted after this long (ms); default 7 days. */
  retainMs?: number;
  /** Dead letters not redelivered are deleted after this long (ms); default 30 days. */
  retainDeadMs?: number;
  policy?: Partial<DispatchPolicy>;
  /** Tests: a fetch to observe or fail attempts. */
  fetch?: typeof fetch;
}

export interface EventWorkers {
  /** Runs the follower, the dispatcher and the publisher once now, without waiting for their timers. */
  wake(): void;
  /**
   * NATS as the publisher last found it: `ok` after a successful turn, `failing` while turns fail
   * (events wait in the outbox meanwhile), `off` without NATS_URL.
   */
  natsStatus(): 'ok' | 'failing' | 'off';
  stop(): Promise<void>;
}

/**
 * Starts the change-event workers of the exchange role: the follower (registry feed → outbox),
 * the webhook dispatcher, the NATS publisher (when configured) and an hourly sweep. Several
 * processes may run them: the follower locks its cursor, deliveries are leased, the NATS cursor
 * is leased. A failing step is logged and retried at its next turn; NATS failures back off.
 */
export function startEventWorkers(ctx: ExchangeContext, options: EventWorkerOptions): EventWorkers {
  const pollMs = options.pollMs ?? 1_000;
  const retainMs = options.retainMs ?? 7 * 24 * 3_600_000;
  const retainDeadMs = options.retainDeadMs ?? 30 * 24 * 3_600_000;
  let signer: Promise<WebhookSigner> | undefined;
  const dispatcher = new WebhookDispatcher(ctx, {
    signer: () => {
      signer ??= webhookSigner(options.keys).catch((error: unknown) => {
        signer = undefined;
        throw error;
      });
      return signer;
    },
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const publisher = options.natsUrl ? new NatsPublisher(ctx, { url: options.natsUrl }) : undefined;
  let stopped = false;
  let natsFailures = 0;
  let natsRetryAt = 0;
  let lastSweep = 0;

  const step = async () => {
    // Drain the feed (500 changes a transaction), then send what it queued.
    while ((await followRegistryChanges(ctx, { recordAll: publisher !== undefined })) >= 500 && !stopped);
    await dispatcher.tick();
    if (publisher && Date.now() >= natsRetryAt) {
      try {
        while ((await publisher.publishPending()) >= 500 && !stopped);
        natsFailures = 0;
      } catch (error) {
        natsFailures++;
        natsRetryAt =
          Date.now() + backoffMs(natsFailures, { retryBaseMs: 1_000, retryCapMs: 60_000 }, Math.random);
        ctx.logger.warn(
          { err: error, failures: natsFailures },
          'exchange: publishing events to NATS failed, will retry',
        );
      }
    }
    if (Date.now() - lastSweep >= 3_600_000) {
      lastSweep = Date.now();
      await sweepOutbox(ctx.db, {
        before: new Date(ctx.clock.now().getTime() - retainMs),
        deadBefore: new Date(ctx.clock.now().getTime() - retainDeadMs),
        keepUnpublished: publisher !== undefined,
      });
    }
  };

  let running: Promise<void> = Promise.resolve();
  let queued = false;
  const run = () => {
    if (stopped || queued) return;
    queued = true;
    running = running
      .then(() => {
        queued = false;
        return stopped ? undefined : step();
      })
      .catch((error: unknown) => ctx.logger.error({ err: error }, 'exchange: change-event workers failed'));
  };
  // An attempt that ends frees a slot: claim the next due delivery now rather than at the next poll.
  dispatcher.onSettled = () => {
    if (!stopped)
      void dispatcher
        .tick()
        .catch((error: unknown) =>
          ctx.logger.error({ err: error }, 'exchange: claiming webhook deliveries failed'),
        );
  };
  const timer = setInterval(run, pollMs);
  timer.unref();
  run();

  return {
    wake: run,
    natsStatus: () => (publisher ? (natsFailures > 0 ? 'failing' : 'ok') : 'off'),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await dispatcher.stop();
      await publisher?.close();
    },
  };
}
