import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';

/** Entries in the log, sequenced or not: what a backup must carry over whole. */
export async function countAuditEntries(db: Db): Promise<number> {
  const { rows } = await sql<{ count: number }>`SELECT count(*)::bigint AS count FROM audit.entry`.execute(
    db,
  );
  return Number(rows[0]?.count);
}
