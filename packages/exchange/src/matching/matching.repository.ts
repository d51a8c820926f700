// All SQL of bulk matching jobs.

import { insertBatchEntryCte, type PreparedBatch } from '@dinhdanh/audit';
import type { Database, Db } from '@dinhdanh/db';
import { type RawBuilder, sql } from 'kysely';
import type { ComparableField } from '../compare/field-compare.ts';
import {
  type MatchingCounts,
  type MatchingFormat,
  type MatchingJob,
  type MatchingJobStatus,
  recordStatuses,
} from './matching.schema.ts';
import { fieldColumns } from './matching-fields.ts';

export interface JobRow {
  job_no: number;
  job_id: string;
  agency_id: string;
  purpose: string;
  format: MatchingFormat;
  fields: string[];
  status: MatchingJobStatus;
  records_total: number;
  records_done: number;
  matched: number;
  mismatched: number;
  not_found: number;
  deceased: number;
  duplicate: number;
  invalid_id: number;
  malformed: number;
  checkpoint_line: number;
  batches_done: number;
  attempts: number;
  lease_owner: string | null;
  lease_until: Date | string | null;
  error_code: string | null;
  error_detail: string | null;
  created_at: Date | string;
  finished_at: Date | string | null;
  expires_at: Date | string | null;
  purged_at: Date | string | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function jobFromRow(row: JobRow): MatchingJob {
  const counts = Object.fromEntries(recordStatuses.map((status) => [status, Number(row[status])]));
  return {
    jobId: row.job_id,
    agencyId: row.agency_id,
    purpose: row.purpose,
    format: row.format,
    fields: row.fields,
    status: row.status,
    recordsTotal: Number(row.records_total),
    recordsDone: Number(row.records_done),
    counts: counts as MatchingCounts,
    error: row.error_code ? { code: row.error_code, detail: row.error_detail } : null,
    createdAt: iso(row.created_at) as string,
    finishedAt: iso(row.finished_at),
    expiresAt: iso(row.expires_at),
  };
}

/** The job's staging table. The number comes from the identity column, never from a request. */
export const inputTable = (jobNo: number) => {
  if (!Number.isSafeInteger(jobNo) || jobNo <= 0) throw new TypeError('invalid job number');
  return `exchange.matching_input_${jobNo}`;
};

/** Staged columns besides the compared fields, in COPY order. */
export const stagedColumns = ['line', 'id_number', 'given', 'outcome', 'detail'] as const;

export async function insertJob(
  db: Db,
  job: {
    jobId: string;
    agencyId: string;
    purpose: string;
    format: MatchingFormat;
    fields: readonly ComparableField[];
    owner: string;
    leaseUntil: Date;
    now: Date;
  },
): Promise<number> {
  const { rows } = await sql<{ job_no: number }>`
    INSERT INTO exchange.matching_job (job_id, agency_id, purpose, format, fields, status, lease_owner, lease_until,
                                       created_at)
    VALUES (${job.jobId}, ${job.agencyId}, ${job.purpose}, ${job.format}, ${sql.val(job.fields)}::text[], 'uploading',
            ${job.owner}, ${job.leaseUntil}, ${job.now})
    RETURNING job_no`.execute(db);
  return Number(rows[0]!.job_no);
}

export async function createInputTable(
  db: Db,
  jobNo: number,
  fields: readonly ComparableField[],
): Promise<void> {
  const columns = fields.map((field) => `, ${fieldColumns[field].staged} text`).join('');
  await sql
    .raw(
      `CREATE TABLE ${inputTable(jobNo)} (line bigint PRIMARY KEY, id_number char(12), given text, outcome text,
       detail text${columns})`,
    )
    .execute(db);
}

export async function dropInputTable(db: Db, jobNo: number): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS ${inputTable(jobNo)}`).execute(db);
}

/** Stages rows (CSV text, newline-terminated) with COPY, in one transaction. */
export async function copyInput(
  database: Database,
  jobNo: number,
  fields: readonly ComparableField[],
  csv: string,
): Promise<void> {
  const columns = [...stagedColumns, ...fields.map((field) => fieldColumns[field].staged)];
  await database.bulk((session) => session.copy(inputTable(jobNo), columns, [csv]));
}

export async function recordUploadProgress(
  db: Db,
  jobNo: number,
  owner: string,
  records: number,
  leaseUntil: Date,
): Promise<void> {
  await sql`
    UPDATE exchange.matching_job SET records_total = ${records}, lease_until = ${leaseUntil}
     WHERE job_no = ${jobNo} AND lease_owner = ${owner} AND status = 'uploading'`.execute(db);
}

export async function markQueued(db: Db, jobNo: number, owner: string, records: number, now: Date) {
  const result = await sql`
    UPDATE exchange.matching_job
       SET status = 'queued', records_total = ${records}, queued_at = ${now}, lease_owner = NULL, lease_until = NULL
     WHERE job_no = ${jobNo} AND lease_owner = ${owner} AND status = 'uploading'`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Ends a job as failed and drops its staged records (and any report written so far). */
export async function markFailed(
  db: Db,
  jobNo: number,
  error: { code: string; detail: string | null },
  now: Date,
  retentionMs: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`
      UPDATE exchange.matching_job
         SET status = 'failed', error_code = ${error.code}, error_detail = ${error.detail?.slice(0, 500) ?? null},
             finished_at = ${now}, expires_at = ${new Date(now.getTime() + retentionMs)}, lease_owner = NULL,
             lease_until = NULL
       WHERE job_no = ${jobNo} AND status NOT IN ('done', 'failed')`.execute(trx);
    await sql`DELETE FROM exchange.matching_report WHERE job_no = ${jobNo}`.execute(trx);
    await dropInputTable(trx, jobNo);
  });
}

/**
 * Takes the oldest job that waits for matching — queued, or matching under a lease that ran out
 * (its process died) — for `owner`, counting the attempt.
 */
export async function claimJob(
  db: Db,
  owner: string,
  now: Date,
  leaseUntil: Date,
  jobId?: string,
): Promise<JobRow | undefined> {
  const { rows } = await sql<JobRow>`
    UPDATE exchange.matching_job j
       SET status = 'matching', lease_owner = ${owner}, lease_until = ${leaseUntil}, attempts = attempts + 1
     WHERE j.job_no = (
       SELECT job_no FROM exchange.matching_job
        WHERE (status = 'queued' OR (status = 'matching' AND lease_until < ${now}))
          AND (${jobId ?? null}::text IS NULL OR job_id = ${jobId ?? null})
        ORDER BY job_no LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING j.*`.execute(db);
  return rows[0];
}

/** Jobs whose upload stopped without finishing (the uploading process died). */
export async function staleUploads(db: Db, now: Date): Promise<number[]> {
  const { rows } = await sql<{ job_no: number }>`
    SELECT job_no FROM exchange.matching_job WHERE status = 'uploading' AND lease_until < ${now}`.execute(db);
  return rows.map((row) => Number(row.job_no));
}

export interface SourceQuery {
  jobNo: number;
  fields: readonly ComparableField[];
  /** Purposes without a legal basis release registry values only to people who consented. */
  consent: { agencyId: string; purpose: string; now: Date } | undefined;
  afterLine: number;
}

/**
 * The job's staged records after a line, in line order, each with the registry's values (`r_*`
 * columns, null when the ID number is not in the registry) and an active consent's id. One
 * query for the whole rest of the job: the planner hash-joins it with the registry in one pass.
 */
export function sourceQuery(query: SourceQuery, limit?: number): RawBuilder<Record<string, unknown>> {
  const staged = query.fields.map(
    (field) => `, s.${fieldColumns[field].staged} AS g_${fieldColumns[field].staged}`,
  );
  const registry = new Set<string>(['date_of_death']);
  for (const field of query.fields) for (const column of fieldColumns[field].registry) registry.add(column);
  const registryColumns = [...registry].map((column) => `, p.${column} AS r_${column}`).join('');
  const consent = query.consent
    ? sql`, c.consent_id
          FROM ${sql.raw(inputTable(query.jobNo))} s
          LEFT JOIN registry.person_match p ON p.id_number = s.id_number
          LEFT JOIN (SELECT DISTINCT ON (id_number) id_number, consent_id FROM exchange.consent
                      WHERE agency_id = ${query.consent.agencyId} AND purpose = ${query.consent.purpose}
                        AND withdrawn_at IS NULL AND (expires_at IS NULL OR expires_at > ${query.consent.now})
                      ORDER BY id_number, granted_at DESC) c ON c.id_number = s.id_number`
    : sql`, NULL AS consent_id
          FROM ${sql.raw(inputTable(query.jobNo))} s
          LEFT JOIN registry.person_match p ON p.id_number = s.id_number`;
  return sql<Record<string, unknown>>`
    SELECT s.line, s.id_number, s.given, s.outcome, s.detail${sql.raw(staged.join(''))},
           p.id_number IS NOT NULL AS found${sql.raw(registryColumns)}${consent}
     WHERE s.line > ${query.afterLine}
     ORDER BY s.line${limit === undefined ? sql`` : sql` LIMIT ${limit}`}`;
}

export interface BatchWrite {
  jobNo: number;
  owner: string;
  batchNo: number;
  firstLine: number;
  lastLine: number;
  previousCheckpoint: number;
  body: string;
  counts: MatchingCounts;
  records: number;
  leaseUntil: Date;
  /** The batch's audit entry and its members; none when nobody was found (or in the benchmark without audit). */
  audit: PreparedBatch | undefined;
}

/**
 * One batch's report, its audit entry and the job's checkpoint, in one statement (so one
 * transaction, and one round trip): all or nothing. Returns false when the job is no longer this
 * worker's (its lease ran out and another took over) — the checkpoint's update then matches no
 * row, and the report and audit entry, written only for a row it returns, are not written either.
 */
export async function writeBatch(db: Db, batch: BatchWrite): Promise<boolean> {
  const c = batch.counts;
  const audit = batch.audit
    ? sql`, ${insertBatchEntryCte(batch.audit, { onlyIfAnyRowIn: 'checkpointed' })}`
    : sql``;
  const { rows } = await sql<{ job_no: number }>`
    WITH checkpointed AS (
      UPDATE exchange.matching_job
         SET records_done = records_done + ${batch.records}, matched = matched + ${c.matched},
             mismatched = mismatched + ${c.mismatched}, not_found = not_found + ${c.not_found},
             deceased = deceased + ${c.deceased}, duplicate = duplicate + ${c.duplicate},
             invalid_id = invalid_id + ${c.invalid_id}, malformed = malformed + ${c.malformed},
             checkpoint_line = ${batch.lastLine}, batches_done = ${batch.batchNo + 1},
             lease_until = ${batch.leaseUntil}
       WHERE job_no = ${batch.jobNo} AND lease_owner = ${batch.owner} AND status = 'matching'
         AND checkpoint_line = ${batch.previousCheckpoint}
      RETURNING job_no
    ), report_written AS (
      INSERT INTO exchange.matching_report (job_no, batch_no, first_line, last_line, body)
      SELECT job_no, ${batch.batchNo}, ${batch.firstLine}, ${batch.lastLine}, ${batch.body} FROM checkpointed
    )${audit}
    SELECT job_no FROM checkpointed`.execute(db);
  return rows.length > 0;
}

export async function markDone(db: Db, jobNo: number, owner: string, now: Date, retentionMs: number) {
  return db.transaction().execute(async (trx) => {
    const result = await sql`
      UPDATE exchange.matching_job
         SET status = 'done', finished_at = ${now}, expires_at = ${new Date(now.getTime() + retentionMs)},
             lease_owner = NULL, lease_until = NULL
       WHERE job_no = ${jobNo} AND lease_owner = ${owner} AND status = 'matching'`.execute(trx);
    if (Number(result.numAffectedRows ?? 0) === 0) return false;
    // The job's records count toward the agency's usage and daily quota, once (with the transition).
    await sql`
      INSERT INTO exchange.usage (agency_id, day, operation, count)
      SELECT agency_id, ${now.toISOString().slice(0, 10)}::date, 'match', records_total
        FROM exchange.matching_job WHERE job_no = ${jobNo} AND records_total > 0
      ON CONFLICT (agency_id, day, operation) DO UPDATE SET count = exchange.usage.count + excluded.count`.execute(
      trx,
    );
    // The agency's records have served their purpose: only the report stays, until it expires.
    await dropInputTable(trx, jobNo);
    return true;
  });
}

/** Gives a job back (the worker is stopping): another worker may take it at once. */
export async function releaseJob(db: Db, jobNo: number, owner: string, now: Date): Promise<void> {
  await sql`
    UPDATE exchange.matching_job SET lease_until = ${now}
     WHERE job_no = ${jobNo} AND lease_owner = ${owner} AND status = 'matching'`.execute(db);
}

export async function findJobRow(db: Db, jobId: string): Promise<JobRow | undefined> {
  const { rows } = await sql<JobRow>`SELECT * FROM exchange.matching_job WHERE job_id = ${jobId}`.execute(db);
  return rows[0];
}

export async function findJobRowByNo(db: Db, jobNo: number): Promise<JobRow | undefined> {
  const { rows } = await sql<JobRow>`SELECT * FROM exchange.matching_job WHERE job_no = ${jobNo}`.execute(db);
  return rows[0];
}

export async function listJobRows(
  db: Db,
  options: { agencyId?: string | undefined; status?: MatchingJobStatus | undefined; limit: number },
): Promise<JobRow[]> {
  const { rows } = await sql<JobRow>`
    SELECT * FROM exchange.matching_job
     WHERE (${options.agencyId ?? null}::text IS NULL OR agency_id = ${options.agencyId ?? null})
       AND (${options.status ?? null}::text IS NULL OR status = ${options.status ?? null})
     ORDER BY job_no DESC LIMIT ${options.limit}`.execute(db);
  return rows;
}

/** Report batches after `afterBatch`, a few at a time (each is a few megabytes at most). */
export async function readReportBatches(
  db: Db,
  jobNo: number,
  afterBatch: number,
  limit: number,
): Promise<{ batch_no: number; body: string }[]> {
  const { rows } = await sql<{ batch_no: number; body: string }>`
    SELECT batch_no, body FROM exchange.matching_report
     WHERE job_no = ${jobNo} AND batch_no > ${afterBatch} ORDER BY batch_no LIMIT ${limit}`.execute(db);
  return rows;
}

/** Deletes the reports (and any staged records) of jobs past their retention; returns how many jobs. */
export async function purgeExpired(db: Db, now: Date): Promise<number> {
  const { rows } = await sql<{ job_no: number }>`
    SELECT job_no FROM exchange.matching_job
     WHERE purged_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ${now}
     ORDER BY job_no LIMIT 100`.execute(db);
  for (const { job_no } of rows)
    await db.transaction().execute(async (trx) => {
      await sql`DELETE FROM exchange.matching_report WHERE job_no = ${job_no}`.execute(trx);
      await dropInputTable(trx, Number(job_no));
      await sql`UPDATE exchange.matching_job SET purged_at = ${now} WHERE job_no = ${job_no}`.execute(trx);
    });
  return rows.length;
}
