import type { Db } from '@dinhdanh/db';
import { AppError, type Clock, type Logger } from '@dinhdanh/kernel';
import { addUsage, usageOn } from '../agency/agency.repository.ts';
import type { Agency } from '../agency/agency.schema.ts';

interface Bucket {
  tokens: number;
  last: number;
}

/**
 * Rate limits and daily quotas per agency, in this process. Requests take a token from the
 * agency's bucket (sustained `ratePerSecond`, bursts of twice that); records count toward the
 * daily quota. Counts are added to `exchange.usage` every few seconds and the day's total read
 * back, so several processes share the quota within that delay. The rate limit is per process:
 * with N processes behind a balancer an agency gets up to N times its rate (say so when sizing).
 */
export class UsageMeter {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #buckets = new Map<string, Bucket>();
  /** Unflushed counts by `agency\u0000operation`. */
  #pending = new Map<string, number>();
  /** The day's total per agency as last read from the database, plus what was counted since. */
  #usedToday = new Map<string, number>();
  #day: string;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: { db: Db; clock: Clock; logger: Logger }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#day = this.#today();
  }

  #today(): string {
    return this.#clock.now().toISOString().slice(0, 10);
  }

  /** Takes one request from the rate limit and `records` from the quota, or throws 429. */
  async take(agency: Agency, operation: string, records: number): Promise<void> {
    const now = this.#clock.now().getTime();
    const capacity = agency.ratePerSecond * 2;
    const bucket = this.#buckets.get(agency.agencyId) ?? { tokens: capacity, last: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.last) / 1000) * agency.ratePerSecond);
    bucket.last = now;
    this.#buckets.set(agency.agencyId, bucket);
    if (bucket.tokens < 1)
      throw new AppError('ERR_RATE_LIMITED', `at most ${agency.ratePerSecond} requests/s`);
    const day = this.#today();
    if (day !== this.#day) {
      this.#day = day;
      this.#usedToday.clear();
    }
    let used = this.#usedToday.get(agency.agencyId);
    if (used === undefined) {
      used = await usageOn(this.#db, agency.agencyId, day);
      used += this.#pendingOf(agency.agencyId);
    }
    if (used + records > agency.quotaPerDay)
      throw new AppError('ERR_EXCHANGE_QUOTA', `${agency.quotaPerDay} records per day`);
    bucket.tokens -= 1;
    this.#usedToday.set(agency.agencyId, used + records);
    const key = `${agency.agencyId}\u0000${operation}`;
    this.#pending.set(key, (this.#pending.get(key) ?? 0) + records);
  }

  #pendingOf(agencyId: string): number {
    let sum = 0;
    for (const [key, count] of this.#pending) if (key.startsWith(`${agencyId}\u0000`)) sum += count;
    return sum;
  }

  /** Writes the counts taken since the last flush and forgets the cached totals. */
  async flush(): Promise<void> {
    const pending = this.#pending;
    if (pending.size === 0) return;
    this.#pending = new Map();
    const counts = [...pending].map(([key, count]) => {
      const [agencyId, operation] = key.split('\u0000') as [string, string];
      return { agencyId, operation, count };
    });
    try {
      await addUsage(this.#db, this.#day, counts);
      this.#usedToday.clear();
    } catch (error) {
      // Put them back: a usage count is never dropped because the database was briefly away.
      for (const [key, count] of pending) this.#pending.set(key, (this.#pending.get(key) ?? 0) + count);
      this.#logger.warn({ err: error }, 'exchange usage flush failed');
    }
  }

  start(intervalMs = 5_000): void {
    this.#timer ??= setInterval(() => void this.flush(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
