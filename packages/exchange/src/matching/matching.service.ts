// Matching a staged job against the registry, the worker that runs jobs, and what agencies and
// administrators read of them.
import { randomBytes } from 'node:crypto';
import { prepareAuditBatch } from '@dinhdanh/audit';
import { AppError, isAppError } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import { findAgencyRow } from '../agency/agency.repository.ts';
import type { ComparableField } from '../compare/field-compare.ts';
import { batchAuditEntry, matchBatch, reportHeader } from './matching.matcher.ts';
import {
  claimJob,
  findJobRow,
  type JobRow,
  jobFromRow,
  listJobRows,
  markDone,
  markFailed,
  purgeExpired,
  readReportBatches,
  releaseJob,
  type SourceQuery,
  sourceQuery,
  staleUploads,
  writeBatch,
} from './matching.repository.ts';
import type { MatchingJob, MatchingJobStatus, MatchingJobSummary } from './matching.schema.ts';
import { type MatchingContext, type MatchingSettings, resolveSettings } from './matching.settings.ts';
import { subjectKeyer } from './matching-audit.ts';

export interface MatchingProgress {
  jobId: string;
  recordsDone: number;
  recordsTotal: number;
}

export interface RunOptions extends Partial<MatchingSettings> {
  /** Who holds the job's lease. */
  owner?: string;
  onProgress?: (progress: MatchingProgress) => void;
  /** Stops after the batch in flight; the job stays claimed until its lease runs out or is released. */
  signal?: AbortSignal;
  /** Tests: called after each batch commits (throwing there simulates a crash). */
  afterBatch?: (batchNo: number) => void | Promise<void>;
  /**
   * Only a benchmark turns this off, to measure what auditing costs; production always writes
   * one audit entry per batch with the people found as its members (ADR 0009).
   */
  auditEntries?: boolean;
  /** Benchmarks: where the time of each batch goes, added up over the job (milliseconds). */
  timings?: MatchingTimings;
}

/** Where a job's time goes, per stage, summed over its batches (see docs/benchmarks.md). */
export interface MatchingTimings {
  batches: number;
  /** Waiting for the next rows of the join with the registry (FETCH from the cursor, issued a batch ahead). */
  fetchMs: number;
  /** Comparing records and rendering report lines, subject keys excluded. */
  compareMs: number;
  /** HMAC subject keys of the people found. */
  subjectKeyMs: number;
  /** Building the batch's audit entry: member records, their Merkle tree, the canonical text. */
  auditPrepareMs: number;
  /** The batch's statement (report, audit entry and members, checkpoint) until committed; it overlaps the next batch's fetch and compare. */
  writeMs: number;
  /** How long the next batch waited for that write. */
  writeWaitMs: number;
}

export const emptyMatchingTimings = (): MatchingTimings => ({
  batches: 0,
  fetchMs: 0,
  compareMs: 0,
  subjectKeyMs: 0,
  auditPrepareMs: 0,
  writeMs: 0,
  writeWaitMs: 0,
});

type Row = Record<string, unknown>;

/**
 * The job's remaining rows in batches, in line order. On PostgreSQL one cursor over one query
 * (a single hash join with the registry, in a read-only repeatable-read snapshot, so the whole
 * job sees one state of the registry); on embedded PGlite — one connection, small data — a
 * keyset query per batch.
 */
async function forEachBatch(
  ctx: MatchingContext,
  query: SourceQuery,
  size: number,
  handle: (rows: Row[]) => Promise<void>,
  timings: MatchingTimings | undefined,
): Promise<void> {
  if (ctx.database.kind === 'pglite') {
    let after = query.afterLine;
    for (;;) {
      const started = timings ? performance.now() : 0;
      const { rows } = await sourceQuery({ ...query, afterLine: after }, size).execute(ctx.db);
      if (timings) timings.fetchMs += performance.now() - started;
      if (rows.length === 0) return;
      await handle(rows);
      after = Number(rows[rows.length - 1]!.line);
    }
  }
  await ctx.db.connection().execute(async (conn) => {
    await sql`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.execute(conn);
    try {
      // A cursor is planned for its first rows unless told otherwise: all rows are wanted here.
      await sql`SET LOCAL cursor_tuple_fraction = 1`.execute(conn);
      await sql`DECLARE matching_rows NO SCROLL CURSOR FOR ${sourceQuery(query)}`.execute(conn);
      // The next batch is fetched while this one is compared and written: the database runs the
      // join while Node compares.
      const fetch = () => sql<Row>`FETCH FORWARD ${sql.raw(String(size))} FROM matching_rows`.execute(conn);
      let next = fetch();
      try {
        for (;;) {
          const started = timings ? performance.now() : 0;
          const { rows } = await next;
          if (timings) timings.fetchMs += performance.now() - started;
          if (rows.length === 0) return;
          next = fetch();
          await handle(rows);
        }
      } finally {
        await next.catch(() => {});
      }
    } finally {
      await sql`ROLLBACK`.execute(conn).catch(() => {});
    }
  });
}

/**
 * Matches a claimed job from its checkpoint to the end. Each batch — report lines, one audit
 * entry whose members are the people found (agency, purpose, legal basis; ADR 0009), counts and
 * checkpoint — commits whole;
 * the next batch is fetched and matched while the previous one is written.
 */
export async function runMatchingJob(
  ctx: MatchingContext,
  job: JobRow,
  options: RunOptions = {},
): Promise<MatchingJob> {
  const settings = resolveSettings(options);
  const owner = options.owner ?? job.lease_owner ?? '';
  const leaseUntil = () => new Date(ctx.clock.now().getTime() + settings.leaseMs);
  const agency = await findAgencyRow(ctx.db, job.agency_id);
  const purpose = agency?.purposes.find((candidate) => candidate.code === job.purpose);
  if (!agency || agency.disabled || !purpose) {
    await markFailed(
      ctx.db,
      job.job_no,
      { code: 'ERR_EXCHANGE_PURPOSE', detail: 'the agency or its purpose was withdrawn before matching' },
      ctx.clock.now(),
      settings.retentionMs,
    );
    return jobFromRow((await findJobRow(ctx.db, job.job_id))!);
  }
  const fields = job.fields as ComparableField[];
  const timings = options.timings;
  const keyer = options.auditEntries === false ? () => '' : subjectKeyer(ctx.subjectSecret);
  const match = {
    jobId: job.job_id,
    agency,
    purpose,
    format: job.format,
    fields,
    units: ctx.registry.units,
    // Without audit entries (benchmarks only) no subject key is needed.
    subjectKey: timings
      ? (idNumber: string) => {
          const started = performance.now();
          const key = keyer(idNumber);
          timings.subjectKeyMs += performance.now() - started;
          return key;
        }
      : keyer,
  };
  let checkpoint = Number(job.checkpoint_line);
  let batchNo = Number(job.batches_done);
  let done = Number(job.records_done);
  const total = Number(job.records_total);
  let writing: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(
    () =>
      void sql`UPDATE exchange.matching_job SET lease_until = ${leaseUntil()}
                WHERE job_no = ${job.job_no} AND lease_owner = ${owner} AND status = 'matching'`
        .execute(ctx.db)
        .catch(() => {}),
    Math.max(1000, settings.leaseMs / 3),
  );
  heartbeat.unref();
  try {
    await forEachBatch(
      ctx,
      {
        jobNo: job.job_no,
        fields,
        consent: purpose.legalBasis
          ? undefined
          : { agencyId: agency.agencyId, purpose: purpose.code, now: ctx.clock.now() },
        afterLine: checkpoint,
      },
      settings.batchSize,
      async (rows) => {
        if (options.signal?.aborted) throw new Stopped();
        const now = ctx.clock.now();
        let started = timings ? performance.now() : 0;
        const keyMsBefore = timings?.subjectKeyMs ?? 0;
        const batch = matchBatch(rows, { ...match, now });
        if (timings) {
          const at = performance.now();
          timings.compareMs += at - started - (timings.subjectKeyMs - keyMsBefore);
          started = at;
        }
        const audit =
          options.auditEntries === false || batch.members.length === 0
            ? undefined
            : prepareAuditBatch(batchAuditEntry({ ...match, now }), batch.members);
        if (timings) {
          const at = performance.now();
          timings.auditPrepareMs += at - started;
          started = at;
        }
        await writing;
        if (timings) {
          timings.writeWaitMs += performance.now() - started;
          timings.batches++;
        }
        const write = {
          jobNo: job.job_no,
          owner,
          batchNo,
          firstLine: batch.firstLine,
          lastLine: batch.lastLine,
          previousCheckpoint: checkpoint,
          body: batch.body,
          counts: batch.counts,
          records: batch.records,
          leaseUntil: leaseUntil(),
          audit,
        };
        const thisBatch = batchNo;
        const writeStarted = timings ? performance.now() : 0;
        writing = writeBatch(ctx.db, write).then(async (written) => {
          if (timings) timings.writeMs += performance.now() - writeStarted;
          if (!written) throw new AppError('ERR_CONFLICT', 'the job was taken over by another worker');
          done += batch.records;
          options.onProgress?.({ jobId: job.job_id, recordsDone: done, recordsTotal: total });
          await options.afterBatch?.(thisBatch);
        });
        // Awaited before the next write; until then a failure must not count as unhandled.
        writing.catch(() => {});
        checkpoint = batch.lastLine;
        batchNo++;
      },
      timings,
    );
    await writing;
  } catch (error) {
    await writing.catch(() => {});
    if (error instanceof Stopped) {
      await releaseJob(ctx.db, job.job_no, owner, ctx.clock.now());
      return jobFromRow((await findJobRow(ctx.db, job.job_id))!);
    }
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
  await markDone(ctx.db, job.job_no, owner, ctx.clock.now(), settings.retentionMs);
  return jobFromRow((await findJobRow(ctx.db, job.job_id))!);
}

class Stopped extends Error {}

/**
 * Claims and matches the next waiting job (queued, or interrupted: its lease ran out), or the
 * one named by `jobId`; returns it when done, undefined when none waits. Jobs that fail
 * `maxAttempts` times end as failed.
 */
export async function matchNextJob(
  ctx: MatchingContext,
  options: RunOptions & { maxAttempts?: number; jobId?: string } = {},
): Promise<MatchingJob | undefined> {
  const settings = resolveSettings(options);
  const owner = options.owner ?? `worker:${randomBytes(9).toString('base64url')}`;
  const now = ctx.clock.now();
  for (const jobNo of await staleUploads(ctx.db, now))
    await markFailed(
      ctx.db,
      jobNo,
      { code: 'ERR_EXCHANGE_FILE_MALFORMED', detail: 'the upload was interrupted; upload the file again' },
      now,
      settings.retentionMs,
    );
  const job = await claimJob(ctx.db, owner, now, new Date(now.getTime() + settings.leaseMs), options.jobId);
  if (!job) return undefined;
  if (job.attempts > (options.maxAttempts ?? 5)) {
    await markFailed(
      ctx.db,
      job.job_no,
      { code: 'ERR_INTERNAL', detail: `matching failed ${job.attempts - 1} times` },
      now,
      settings.retentionMs,
    );
    return jobFromRow((await findJobRow(ctx.db, job.job_id))!);
  }
  return runMatchingJob(ctx, job, { ...options, owner });
}

export interface MatchingWorker {
  /** Looks for work now rather than at the next poll. */
  kick(): void;
  /** Stops after the batch in flight and gives the job back. */
  stop(): Promise<void>;
}

/**
 * The background worker of a process serving the exchange: takes waiting and interrupted jobs
 * one at a time, and deletes reports past their retention. Several processes may run one each:
 * a job is held by one lease at a time.
 */
export function startMatchingWorker(
  ctx: MatchingContext,
  options: Partial<MatchingSettings> & { pollMs?: number; purgeEveryMs?: number } = {},
): MatchingWorker {
  const controller = new AbortController();
  const pollMs = options.pollMs ?? 2_000;
  const purgeEveryMs = options.purgeEveryMs ?? 3_600_000;
  let wake: (() => void) | undefined;
  let lastPurge = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    while (!controller.signal.aborted) {
      let worked = false;
      try {
        if (Date.now() - lastPurge > purgeEveryMs) {
          lastPurge = Date.now();
          await purgeExpired(ctx.db, ctx.clock.now());
        }
        worked = (await matchNextJob(ctx, { ...options, signal: controller.signal })) !== undefined;
      } catch (error) {
        if (!controller.signal.aborted)
          ctx.logger.error(
            { err: isAppError(error) ? error.code : error },
            'matching worker: a job failed; retrying later',
          );
      }
      if (!worked && !controller.signal.aborted) await sleep(pollMs);
    }
  })();
  return {
    kick: () => wake?.(),
    stop: async () => {
      controller.abort();
      wake?.();
      await loop;
    },
  };
}

/** Deletes the reports and staged records of jobs past their retention; returns how many jobs. */
export function purgeExpiredMatchingJobs(ctx: Pick<MatchingContext, 'db' | 'clock'>): Promise<number> {
  return purgeExpired(ctx.db, ctx.clock.now());
}

/** The agency's own job; another agency's is "not found". */
export async function getMatchingJob(
  ctx: Pick<MatchingContext, 'db'>,
  agencyId: string | undefined,
  jobId: string,
): Promise<MatchingJob> {
  const row = await findJobRow(ctx.db, jobId);
  if (!row || (agencyId !== undefined && row.agency_id !== agencyId))
    throw new AppError('ERR_EXCHANGE_JOB_NOT_FOUND');
  return jobFromRow(row);
}

export async function listMatchingJobs(
  ctx: Pick<MatchingContext, 'db'>,
  options: {
    agencyId?: string | undefined;
    status?: MatchingJobStatus | undefined;
    limit?: number | undefined;
  } = {},
): Promise<MatchingJob[]> {
  return (await listJobRows(ctx.db, { ...options, limit: options.limit ?? 100 })).map(jobFromRow);
}

/** What the console's jobs page shows. */
export async function listMatchingJobsForAdmin(
  ctx: Pick<MatchingContext, 'db'>,
  options: {
    agencyId?: string | undefined;
    status?: MatchingJobStatus | undefined;
    limit?: number | undefined;
  } = {},
): Promise<MatchingJobSummary[]> {
  return (await listMatchingJobs(ctx, options)).map((job) => ({
    jobId: job.jobId,
    agencyId: job.agencyId,
    purpose: job.purpose,
    status: job.status,
    recordsTotal: job.recordsTotal,
    recordsDone: job.recordsDone,
    counts: job.counts,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  }));
}

/**
 * The finished job's report as text chunks, in line order: CSV with a header, or NDJSON, as the
 * file was. ERR_EXCHANGE_JOB_NOT_READY until the job is done; not found once deleted.
 */
export async function matchingReport(
  ctx: Pick<MatchingContext, 'db'>,
  agencyId: string | undefined,
  jobId: string,
): Promise<{ job: MatchingJob; chunks: AsyncIterable<string> }> {
  const row = await findJobRow(ctx.db, jobId);
  if (!row || (agencyId !== undefined && row.agency_id !== agencyId))
    throw new AppError('ERR_EXCHANGE_JOB_NOT_FOUND');
  if (row.status !== 'done')
    throw new AppError(
      'ERR_EXCHANGE_JOB_NOT_READY',
      row.status === 'failed' ? `the job failed: ${row.error_code}` : `the job is ${row.status}`,
    );
  if (row.purged_at !== null)
    throw new AppError('ERR_EXCHANGE_JOB_NOT_FOUND', 'the report was deleted after its retention period');
  const jobNo = Number(row.job_no);
  async function* chunks(): AsyncGenerator<string> {
    if (row!.format === 'csv') yield reportHeader(row!.fields);
    let after = -1;
    for (;;) {
      const batches = await readReportBatches(ctx.db, jobNo, after, 4);
      if (batches.length === 0) return;
      for (const batch of batches) {
        if (batch.body.length > 0) yield batch.body;
        after = Number(batch.batch_no);
      }
    }
  }
  return { job: jobFromRow(row), chunks: chunks() };
}
