import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';

/**
 * Exact sizes of the registry: people and appended events. A backup records them and a restore
 * compares them, so they are counted, not estimated from statistics.
 */
export async function countRegistry(db: Db): Promise<{ people: number; events: number }> {
  const { rows } = await sql<{ people: number; events: number }>`
    SELECT (SELECT count(*) FROM registry.person)::int AS people,
           ((SELECT count(*) FROM registry.person_event) + (SELECT count(*) FROM registry.household_event))::int
             AS events`.execute(db);
  return { people: Number(rows[0]?.people), events: Number(rows[0]?.events) };
}
