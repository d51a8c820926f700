import type { ExchangeContext } from '../context.ts';
import {
  type ClaimedDelivery,
  claimDeliveries,
  markDelivered,
  markFailed,
  releaseLease,
} from './delivery.repository.ts';
import type { WebhookSigner } from './webhook-signature.ts';

export interface DispatchPolicy {
  /** One attempt's limit (connect, headers and status); a slow receiver times out and is retried. */
  attemptTimeoutMs: number;
  /** First retry delay; doubles per attempt up to `retryCapMs`, with jitter (half to all of it). */
  retryBaseMs: number;
  retryCapMs: number;
  /** A delivery failing for this long since its first attempt becomes a dead letter. */
  deadAfterMs: number;
  /** Attempts in flight in this process, over every subscription. */
  concurrency: number;
  /** Attempts in flight per subscription, so one slow receiver holds few of the slots. */
  perSubscription: number;
}

export const defaultDispatchPolicy: DispatchPolicy = {
  attemptTimeoutMs: 10_000,
  retryBaseMs: 1_000,
  retryCapMs: 10 * 60_000,
  deadAfterMs: 72 * 3_600_000,
  concurrency: 16,
  perSubscription: 4,
};

/**
 * Statuses that refuse this one message for good (malformed for the receiver, too large, wrong
 * type, unprocessable): retrying cannot help, and holding it would block the person's later
 * events, so it becomes a dead letter at once. Every other failure (network, timeout, 5xx, 408,
 * 429, and 401/403/404 — usually a receiver being redeployed or its keys rotated) is retried with
 * back-off until `deadAfterMs`, and also backs off the whole subscription.
 */
const permanentStatuses = new Set([400, 413, 415, 422]);

/** Exponential back-off with "equal jitter": between half and all of min(cap, base·2^(n−1)). */
export function backoffMs(
  attempt: number,
  policy: Pick<DispatchPolicy, 'retryBaseMs' | 'retryCapMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(
    policy.retryCapMs,
    policy.retryBaseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30),
  );
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

type AttemptResult = { ok: true } | { ok: false; error: string; permanent: boolean; retryAfterMs?: number };

function retryAfter(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * Sends the outbox: leases due deliveries (see claimDeliveries for the per-person order), posts
 * each signed, and records the outcome. `tick()` starts as many attempts as free slots allow and
 * returns at once; attempts finish in the background (`idle()` waits for them).
 */
export class WebhookDispatcher {
  private readonly ctx: ExchangeContext;
  private readonly policy: DispatchPolicy;
  private readonly signer: () => Promise<WebhookSigner>;
  private readonly fetch: typeof fetch;
  private readonly random: () => number;
  private readonly inFlight = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private claiming: Promise<number> | undefined;
  private stopped = false;
  /** Set when the signing key cannot be read: nothing is claimed (or leased in vain) until then. */
  private pausedUntil = 0;
  /** Called when an attempt ends, so a worker can claim the next one without waiting for its timer. */
  onSettled: (() => void) | undefined;

  constructor(
    ctx: ExchangeContext,
    options: {
      signer: () => Promise<WebhookSigner>;
      policy?: Partial<DispatchPolicy>;
      fetch?: typeof fetch;
      random?: () => number;
    },
  ) {
    this.ctx = ctx;
    this.policy = { ...defaultDispatchPolicy, ...options.policy };
    this.signer = options.signer;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.random = options.random ?? Math.random;
  }

  get active(): number {
    return this.running.size;
  }

  /** Claims and starts due deliveries; returns how many started. One claim runs at a time. */
  tick(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    this.claiming ??= this.claim().finally(() => {
      this.claiming = undefined;
    });
    return this.claiming;
  }

  private async claim(): Promise<number> {
    const free = this.policy.concurrency - this.running.size;
    if (free <= 0 || Date.now() < this.pausedUntil) return 0;
    let signer: WebhookSigner;
    try {
      signer = await this.signer();
    } catch (error) {
      this.pausedUntil = Date.now() + 30_000;
      this.ctx.logger.error(
        { err: error },
        'exchange: the webhook signing key is unavailable (provision it with `dinhdanh keys init`); deliveries wait',
      );
      return 0;
    }
    const now = this.ctx.clock.now();
    const claimed = await claimDeliveries(this.ctx.db, {
      now,
      leaseUntil: new Date(now.getTime() + this.policy.attemptTimeoutMs + 60_000),
      limit: free,
      perSubscription: (id) => this.policy.perSubscription - (this.inFlight.get(id) ?? 0),
    });
    for (const delivery of claimed) {
      this.inFlight.set(delivery.subscriptionId, (this.inFlight.get(delivery.subscriptionId) ?? 0) + 1);
      const attempt: Promise<void> = this.deliver(delivery, signer)
        .catch((error: unknown) =>
          this.ctx.logger.error(
            { err: error, deliveryId: delivery.deliveryId },
            'exchange: recording a webhook attempt failed',
          ),
        )
        .finally(() => {
          this.running.delete(attempt);
          const left = (this.inFlight.get(delivery.subscriptionId) ?? 1) - 1;
          if (left > 0) this.inFlight.set(delivery.subscriptionId, left);
          else this.inFlight.delete(delivery.subscriptionId);
          this.onSettled?.();
        });
      this.running.add(attempt);
    }
    return claimed.length;
  }

  /** Waits until no attempt is in flight. */
  async idle(): Promise<void> {
    while (this.claiming || this.running.size > 0) {
      await this.claiming;
      await Promise.all([...this.running]);
    }
  }

  /** Claims nothing more and waits for the attempts in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async deliver(delivery: ClaimedDelivery, signer: WebhookSigner): Promise<void> {
    let result: AttemptResult;
    try {
      result = await this.attempt(delivery, signer);
    } catch (error) {
      // Not the receiver's fault (signing failed): give the lease back without counting an attempt.
      await releaseLease(this.ctx.db, delivery.deliveryId);
      throw error;
    }
    const now = this.ctx.clock.now();
    if (result.ok) {
      await markDelivered(this.ctx.db, delivery, now);
      return;
    }
    const attempts = delivery.attempts + 1;
    const dead =
      result.permanent || now.getTime() - delivery.attemptsSince.getTime() >= this.policy.deadAfterMs;
    const later = (ms: number) => new Date(now.getTime() + ms);
    await markFailed(this.ctx.db, delivery, {
      at: now,
      error: result.error,
      dead,
      retryAt: later(backoffMs(attempts, this.policy, this.random)),
      ...(result.permanent
        ? {}
        : {
            subscriptionRetryAt: (failures: number) =>
              later(
                Math.min(
                  this.policy.retryCapMs,
                  Math.max(backoffMs(failures, this.policy, this.random), result.retryAfterMs ?? 0),
                ),
              ),
          }),
    });
    this.ctx.logger.warn(
      {
        deliveryId: delivery.deliveryId,
        subscriptionId: delivery.subscriptionId,
        agencyId: delivery.agencyId,
        attempts,
        dead,
        error: result.error,
      },
      dead ? 'exchange: webhook delivery dead-lettered' : 'exchange: webhook delivery failed, will retry',
    );
  }

  private async attempt(delivery: ClaimedDelivery, signer: WebhookSigner): Promise<AttemptResult> {
    const headers = await signer.headers(delivery.url, delivery.body, delivery.eventId, this.ctx.clock.now());
    const timeout = AbortSignal.timeout(this.policy.attemptTimeoutMs);
    let response: Response;
    try {
      response = await this.fetch(delivery.url, {
        method: 'POST',
        headers: { ...headers, 'user-agent': 'dinhdanh-exchange-webhooks/1' },
        body: delivery.body,
        // A redirect would send the signed body elsewhere than the subscribed URL.
        redirect: 'manual',
        signal: timeout,
      });
    } catch (error) {
      if (timeout.aborted)
        return { ok: false, permanent: false, error: `timeout after ${this.policy.attemptTimeoutMs} ms` };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return {
        ok: false,
        permanent: false,
        error: `network error: ${cause?.code ?? cause?.message ?? String(error)}`,
      };
    }
    // The receiver's answer is not read: only its status counts, and its body could echo data.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true };
    const wait = retryAfter(response.headers.get('retry-after'), this.ctx.clock.now());
    return {
      ok: false,
      permanent: permanentStatuses.has(response.status),
      error:
        response.status >= 300 && response.status < 400
          ? `HTTP ${response.status}: redirects are not followed`
          : `HTTP ${response.status}`,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    };
  }
}
