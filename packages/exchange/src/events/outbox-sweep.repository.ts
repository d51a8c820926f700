// Housekeeping: what the outbox no longer needs to keep.
import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';
import { readCursor } from './cursor.repository.ts';

/**
 * Deletes delivered deliveries older than `before`, dead letters older than `deadBefore`, what a
 * disabled agency was still owed (never to be sent), and events older than `before` that nothing
 * still needs: no pending or dead delivery, and (when NATS publishing is on) already published.
 */
export async function sweepOutbox(
  db: Db,
  options: { before: Date; deadBefore: Date; keepUnpublished: boolean },
): Promise<void> {
  await db
    .deleteFrom('exchange.delivery')
    .where('status', '=', 'delivered')
    .where('delivered_at', '<', options.before)
    .execute();
  await db
    .deleteFrom('exchange.delivery')
    .where('status', '=', 'dead')
    .where('dead_at', '<', options.deadBefore)
    .execute();
  await sql`
    DELETE FROM exchange.delivery d USING exchange.agency a
    WHERE a.agency_id = d.agency_id AND a.disabled_at IS NOT NULL AND d.status = 'pending'`.execute(db);
  const published = options.keepUnpublished ? await readCursor(db, 'nats') : Number.MAX_SAFE_INTEGER;
  await sql`
    DELETE FROM exchange.event e
    WHERE e.occurred_at < ${options.before} AND e.seq <= ${published}
      AND NOT EXISTS (
        SELECT 1 FROM exchange.delivery d WHERE d.event_id = e.event_id AND d.status IN ('pending', 'dead'))`.execute(
    db,
  );
}
