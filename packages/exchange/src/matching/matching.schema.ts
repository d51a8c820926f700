import { z } from 'zod';

export const MatchingFormat = z.enum(['csv', 'ndjson']);
export type MatchingFormat = z.infer<typeof MatchingFormat>;

export const MatchingJobStatus = z.enum(['uploading', 'queued', 'matching', 'done', 'failed']);
export type MatchingJobStatus = z.infer<typeof MatchingJobStatus>;

/**
 * What the report says of one record. `duplicate`: an ID number already given on an earlier
 * line of the same file (the first occurrence is matched, later ones are not). `invalid_id`: not
 * a valid 12-digit ID number. `malformed`: a record that cannot be read (wrong number of
 * columns, a stray quote, an NDJSON line that is not an object of strings).
 */
export const RecordStatus = z.enum([
  'matched',
  'mismatched',
  'not_found',
  'deceased',
  'duplicate',
  'invalid_id',
  'malformed',
]);
export type RecordStatus = z.infer<typeof RecordStatus>;
export const recordStatuses: readonly RecordStatus[] = RecordStatus.options;

export const MatchingCounts = z.object({
  matched: z.number().int(),
  mismatched: z.number().int(),
  not_found: z.number().int(),
  deceased: z.number().int(),
  duplicate: z.number().int(),
  invalid_id: z.number().int(),
  malformed: z.number().int(),
});
export type MatchingCounts = z.infer<typeof MatchingCounts>;

export const emptyCounts = (): MatchingCounts => ({
  matched: 0,
  mismatched: 0,
  not_found: 0,
  deceased: 0,
  duplicate: 0,
  invalid_id: 0,
  malformed: 0,
});

/** A job as its agency sees it. */
export const MatchingJob = z.object({
  jobId: z.string(),
  agencyId: z.string(),
  purpose: z.string(),
  format: MatchingFormat,
  /** The compared fields, in the file's order (idNumber is always there and not listed). */
  fields: z.array(z.string()),
  status: MatchingJobStatus,
  recordsTotal: z.number().int(),
  recordsDone: z.number().int(),
  counts: MatchingCounts,
  error: z.object({ code: z.string(), detail: z.string().nullable() }).nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** When the report and staged records are (or were) deleted; null until the job ends. */
  expiresAt: z.string().nullable(),
});
export type MatchingJob = z.infer<typeof MatchingJob>;

/** The administrator's view of a job (console "jobs" page). */
export const MatchingJobSummary = MatchingJob.pick({
  jobId: true,
  agencyId: true,
  purpose: true,
  status: true,
  recordsTotal: true,
  recordsDone: true,
  counts: true,
  createdAt: true,
  finishedAt: true,
});
export type MatchingJobSummary = z.infer<typeof MatchingJobSummary>;
