import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import path from 'node:path';
import {
  createMatchingJob,
  getAgency,
  type MatchingContext,
  type MatchingFormat,
  matchingReport,
  matchNextJob,
} from '@dinhdanh/exchange';
import { AppError, createLogger, systemClock } from '@dinhdanh/kernel';
import type { Command } from 'commander';
import { withPlatform } from '../context.ts';
import { printJson, usageError } from '../output.ts';
import { progressBar } from '../progress.ts';

interface MatchOptions {
  agency: string;
  purpose: string;
  out?: string;
  format?: string;
  json?: boolean;
}

function formatOf(file: string, option: string | undefined): MatchingFormat {
  if (option !== undefined) {
    if (option !== 'csv' && option !== 'ndjson') usageError('--format must be csv or ndjson');
    return option;
  }
  return /\.(ndjson|jsonl)$/i.test(file) ? 'ndjson' : 'csv';
}

/**
 * `dinhdanh exchange match <file>`: the bulk matching service run in this process on behalf of
 * an agency — the same upload, matching, audit and report as the API — with progress bars.
 * Ctrl-C stops after the batch in flight; a server's worker then finishes the job.
 */
async function runMatch(file: string, options: MatchOptions): Promise<void> {
  const format = formatOf(file, options.format);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    usageError(`cannot read ${file}`);
  }
  const out = options.out ?? `${file}.report.${format}`;
  if (path.resolve(out) === path.resolve(file)) usageError('--out must not be the input file');
  await withPlatform(async (platform, registry) => {
    const ctx: MatchingContext = {
      db: platform.database.db,
      clock: systemClock,
      logger: createLogger('warn'),
      registry,
      subjectSecret: platform.subjectSecret,
      database: platform.database,
    };
    const agency = await getAgency(ctx, options.agency);
    if (agency.disabled) throw new AppError('ERR_EXCHANGE_AGENCY_NOT_FOUND', 'the agency is disabled');
    if (!agency.scopes.includes('exchange.match'))
      throw new AppError('ERR_EXCHANGE_SCOPE', 'the agency does not hold exchange.match');
    const started = Date.now();

    const upload = progressBar('upload', size, 'bytes');
    let read = 0;
    const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
    stream.on('data', (chunk) => {
      read += chunk.length;
      upload.update(read);
    });
    let job: Awaited<ReturnType<typeof createMatchingJob>>;
    try {
      job = await createMatchingJob(ctx, { agency, purpose: options.purpose, format, body: stream });
    } finally {
      upload.stop();
    }

    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    const matching = progressBar('match', job.recordsTotal, 'records');
    let done: Awaited<ReturnType<typeof matchNextJob>>;
    try {
      done = await matchNextJob(ctx, {
        jobId: job.jobId,
        signal: controller.signal,
        onProgress: ({ recordsDone }) => matching.update(recordsDone),
      });
    } finally {
      matching.stop();
      process.off('SIGINT', onSignal);
    }
    if (done?.status !== 'done') {
      const status = done?.status ?? job.status;
      throw new AppError(
        'ERR_EXCHANGE_JOB_NOT_READY',
        `job ${job.jobId} is ${status}${done?.error ? ` (${done.error.code}: ${done.error.detail})` : ''}`,
      );
    }

    const { chunks } = await matchingReport(ctx, agency.agencyId, job.jobId);
    const sink = createWriteStream(out, { mode: 0o600 });
    for await (const chunk of chunks) if (!sink.write(chunk)) await once(sink, 'drain');
    sink.end();
    await once(sink, 'finish');
    const seconds = (Date.now() - started) / 1000;
    const summary = {
      jobId: done.jobId,
      status: done.status,
      records: done.recordsTotal,
      counts: done.counts,
      report: out,
      seconds: Number(seconds.toFixed(2)),
      recordsPerSecond: Math.round(done.recordsTotal / seconds),
    };
    if (options.json) {
      printJson(summary);
      return;
    }
    const counts = Object.entries(done.counts)
      .map(([status, count]) => `  ${status.padEnd(11)} ${count.toLocaleString('en')}`)
      .join('\n');
    process.stdout.write(
      `job ${done.jobId}: ${done.recordsTotal.toLocaleString('en')} records in ${seconds.toFixed(1)} s (${summary.recordsPerSecond.toLocaleString('en')}/s)\n${counts}\nreport: ${out}\n`,
    );
  });
}

export function registerExchangeCommands(program: Command): void {
  const exchange = program
    .command('exchange')
    .description('Trao đổi dữ liệu với cơ quan / data exchange with agencies');
  exchange
    .command('match')
    .description(
      'Đối sánh tệp bản ghi của cơ quan với CSDL dân cư / match an agency file against the registry',
    )
    .argument('<file>', 'CSV (header: idNumber and comparable fields) or NDJSON (.ndjson, .jsonl)')
    .requiredOption('--agency <id>', 'the agency on whose behalf the file is matched')
    .requiredOption('--purpose <code>', "one of the agency's purposes; compared fields must be in its policy")
    .option('--out <file>', 'where to write the report (default: <file>.report.<format>)')
    .option('--format <format>', 'csv or ndjson (default: from the file extension)')
    .option('--json', 'print the summary as JSON')
    .action(runMatch);
}
