import { type JobStatus, jobStatuses, type MatchingJob, type UsageRow } from './exchange.types.ts';

export interface Pivot {
  operations: string[];
  /** One row per agency (totals) or per day and agency (daily), counts by operation. */
  rows: { key: string; day?: string; agencyId: string; counts: Map<string, number>; total: number }[];
}

/** Spreads (agency, day, operation, count) rows into a table with one column per operation. */
export function pivotUsage(items: readonly UsageRow[], perDay: boolean): Pivot {
  const operations = [...new Set(items.map((item) => item.operation))].sort();
  const rows = new Map<string, Pivot['rows'][number]>();
  for (const item of items) {
    const key = perDay ? `${item.day}\u0000${item.agencyId}` : item.agencyId;
    let row = rows.get(key);
    if (!row) {
      row = {
        key,
        agencyId: item.agencyId,
        counts: new Map(),
        total: 0,
        ...(perDay ? { day: item.day } : {}),
      };
      rows.set(key, row);
    }
    row.counts.set(item.operation, (row.counts.get(item.operation) ?? 0) + item.count);
    row.total += item.count;
  }
  const sorted = [...rows.values()].sort((a, b) =>
    a.day !== b.day ? (b.day ?? '').localeCompare(a.day ?? '') : a.agencyId.localeCompare(b.agencyId),
  );
  return { operations, rows: sorted };
}

/** Jobs per status, every status listed so a zero is visible too. */
export function countByStatus(jobs: readonly MatchingJob[]): Record<JobStatus, number> {
  const counts = Object.fromEntries(jobStatuses.map((status) => [status, 0])) as Record<JobStatus, number>;
  for (const job of jobs) if (Object.hasOwn(counts, job.status)) counts[job.status] += 1;
  return counts;
}
