import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';

export interface ExchangeBacklog {
  /** Webhook deliveries waiting (first attempt or retry). */
  pendingDeliveries: number;
  /** Deliveries given up on, waiting for an administrator. */
  deadLetters: number;
  /** Matching jobs uploading, queued or matching. */
  activeMatchingJobs: number;
}

/** What operators watch (the server exports it as Prometheus gauges): work waiting in the exchange. */
export async function exchangeBacklog(db: Db): Promise<ExchangeBacklog> {
  const { rows } = await sql<{ pending: string | number; dead: string | number; jobs: string | number }>`
    SELECT (SELECT count(*) FROM exchange.delivery WHERE status = 'pending') AS pending,
           (SELECT count(*) FROM exchange.delivery WHERE status = 'dead') AS dead,
           (SELECT count(*) FROM exchange.matching_job WHERE status IN ('uploading', 'queued', 'matching')) AS jobs`.execute(
    db,
  );
  const row = rows[0];
  return {
    pendingDeliveries: Number(row?.pending ?? 0),
    deadLetters: Number(row?.dead ?? 0),
    activeMatchingJobs: Number(row?.jobs ?? 0),
  };
}
