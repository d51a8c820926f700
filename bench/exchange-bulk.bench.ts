// Bulk matching, from upload to finished report, beside its raw SQL baseline in the same run.
//
//   npx node bench/exchange-bulk.bench.ts [--people N] [--rows N] [--rounds N]
//   (own throwaway cluster, seeds N people; rounds of baseline → audited → unaudited, medians)
//
// `npm run bench:exchange` calls runBulkMatchingBench() on the registry it seeded. The file
// (not timed) is `rows` records of the registry in random order — idNumber, fullName,
// dateOfBirth (dd/mm/yyyy), sex (Nam/Nữ) — with a realistic share of defects: 3 % names
// typed without diacritics, 1 % wrong dates of birth, 2 % ID numbers not in the registry,
// 0.5 % invalid IDs, 0.5 % repeating an ID given earlier in the file. Timed, each on the same file:
//   - baseline: COPY the file into a staging table, ANALYZE it, and one hash join against the
//     registry streamed back to the client (the least any matching must do);
//   - dinhdanh: createMatchingJob (parse, check, stage) → matching (compare, report, one audit
//     entry per batch with the people found as its members — ADR 0009 — checkpoints) → the report
//     streamed back;
//   - the same without audit entries (a benchmark-only switch), to measure what auditing costs.
// The VM is shared: each figure is the median of `rounds` rounds, each round measuring all three
// back to back, and the ratio is the median of the rounds' own ratios.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { openDatabase } from '@dinhdanh/db';
import { createClusterDatabase, startPostgresCluster } from '@dinhdanh/db/cluster';
import {
  createMatchingJob,
  emptyMatchingTimings,
  getAgency,
  type MatchingContext,
  type MatchingJob,
  type MatchingTimings,
  matchingReport,
  matchNextJob,
  registerAgency,
} from '@dinhdanh/exchange';
import { createLogger, systemClock } from '@dinhdanh/kernel';
import { AdminUnits, defaultRules, seedPopulation } from '@dinhdanh/registry';
import { prepareDatabase } from '@dinhdanh/server';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

export interface BulkMatchingBenchOptions {
  /** A migrated, seeded database on a local PostgreSQL. */
  databaseUrl: string;
  rows: number;
  log?: (line: string) => void;
  /** Skip the run without audit entries. */
  skipUnaudited?: boolean;
  /** Rounds of baseline → audited → unaudited; figures are medians (default 3). */
  rounds?: number;
}

export interface PipelineFigures {
  seconds: number;
  recordsPerSecond: number;
  uploadSeconds: number;
  matchSeconds: number;
  reportSeconds: number;
  counts: MatchingJob['counts'];
  /** Where the matching phase's time went, summed over its batches. */
  timings: MatchingTimings;
}

export interface BulkMatchingBenchResult {
  rows: number;
  fileBytes: number;
  rounds: number;
  /** dinhdanh end to end, with audit entries (production): median of the rounds. */
  seconds: number;
  recordsPerSecond: number;
  /** Median of the rounds' baselines. */
  baselineSeconds: number;
  baseline: { copySeconds: number; joinSeconds: number };
  /** Median of the rounds' audited ÷ baseline (target ≤ 3). */
  ratio: number;
  /** Median of the rounds' unaudited ÷ baseline. */
  unauditedRatio?: number;
  /** The round whose audited run is the median. */
  audited: PipelineFigures;
  unaudited?: PipelineFigures;
  /** Median over rounds of (audited − unaudited) per person found: what a batch member costs. */
  auditMicrosecondsPerEntry?: number;
  /** Per batch of 10,000 records, the median round's audited stages (ms). */
  perBatchMs: Record<keyof Omit<MatchingTimings, 'batches'>, number> & { batches: number };
  perRound: { baselineSeconds: number; auditedSeconds: number; unauditedSeconds?: number }[];
}

/** The figures as a Markdown table (medians, the same-run baseline beside them). */
export function bulkMatchingTable(result: BulkMatchingBenchResult): string {
  const line = (name: string, value: string, anchor: string, target: string) =>
    `| ${name} | ${value} | ${anchor} | ${target} |`;
  const b = result.perBatchMs;
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  return [
    `medians of ${result.rounds} rounds`,
    '',
    '| figure | dinhdanh | anchor (same run) | target |',
    '|---|---:|---:|---|',
    line(
      `bulk matching of ${result.rows.toLocaleString('en')} rows, upload → report`,
      `${Math.round(result.recordsPerSecond).toLocaleString('en')} records/s (${result.seconds.toFixed(1)} s)`,
      `COPY + hash join ${result.baselineSeconds.toFixed(1)} s`,
      '≥ 100,000/s',
    ),
    line('time ÷ baseline', result.ratio.toFixed(2), '1.00', '≤ 3'),
    ...(result.unaudited
      ? [
          line(
            'same without audit entries (benchmark only)',
            `${Math.round(result.rows / result.unaudited.seconds).toLocaleString('en')} records/s (${result.unaudited.seconds.toFixed(1)} s)`,
            `÷ baseline ${result.unauditedRatio?.toFixed(2)}`,
            '',
          ),
          line('audit cost per person found', `${result.auditMicrosecondsPerEntry?.toFixed(1)} µs`, '', ''),
        ]
      : []),
    line(
      `per batch (${b.batches} batches, audited)`,
      `fetch ${ms(b.fetchMs)}, compare ${ms(b.compareMs)}, subject keys ${ms(b.subjectKeyMs)}, audit entry ${ms(b.auditPrepareMs)}, write ${ms(b.writeMs)} (waited ${ms(b.writeWaitMs)})`,
      '',
      '',
    ),
  ].join('\n');
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const strip = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd');

/** Writes the benchmark file from the registry (not timed); deterministic for a population. */
async function writeFile(databaseUrl: string, rows: number, file: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const out = createWriteStream(file);
  try {
    out.write('idNumber,fullName,dateOfBirth,sex\n');
    const source = client.query(
      copyTo(`COPY (SELECT id_number, full_name, date_of_birth, sex FROM registry.person
                     ORDER BY md5(id_number) LIMIT ${Math.floor(rows)}) TO STDOUT`),
    );
    let pending = '';
    let n = 0;
    let previous = '';
    for await (const chunk of source) {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      let text = '';
      for (const line of lines) {
        const [id, name, dob, sex] = line.split('\t') as [string, string, string, string];
        const k = n++ % 200;
        let idNumber = id;
        let fullName = name;
        let date = dmy(dob);
        if (k < 6) fullName = strip(name);
        else if (k < 8) date = dmy(`${Number(dob.slice(0, 4)) - 1}${dob.slice(4)}`);
        else if (k < 12)
          idNumber = `${id.slice(0, 6)}${String((Number(id.slice(6)) + 500_009) % 1_000_000).padStart(6, '0')}`;
        else if (k === 12) idNumber = id.slice(0, 11);
        else if (k === 13 && previous) idNumber = previous;
        else if (k === 199) previous = id;
        text += `${idNumber},${fullName},${date},${sex === 'male' ? 'Nam' : 'Nữ'}\n`;
      }
      if (!out.write(text)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return n;
  } finally {
    await client.end();
  }
}

/** The raw SQL baseline: COPY the same file in, then one hash join streamed out. */
async function baseline(databaseUrl: string, file: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS public.bench_stage');
    await client.query(
      'CREATE TABLE public.bench_stage (id_number char(12), full_name text, date_of_birth text, sex text)',
    );
    const started = performance.now();
    await pipeline(
      createReadStream(file, { highWaterMark: 256 * 1024 }),
      client.query(copyFrom('COPY public.bench_stage FROM STDIN WITH (FORMAT csv, HEADER)')),
    );
    await client.query('ANALYZE public.bench_stage');
    const copied = performance.now();
    const out = client.query(
      copyTo(`COPY (SELECT s.*, p.full_name, p.other_names, p.date_of_birth, p.sex, p.date_of_death
                      FROM public.bench_stage s LEFT JOIN registry.person p ON p.id_number = s.id_number) TO STDOUT`),
    );
    let bytes = 0;
    for await (const chunk of out) bytes += chunk.length;
    const joined = performance.now();
    if (bytes === 0) throw new Error('the baseline join returned nothing');
    return { copySeconds: (copied - started) / 1000, joinSeconds: (joined - copied) / 1000 };
  } finally {
    await client.query('DROP TABLE IF EXISTS public.bench_stage').catch(() => {});
    await client.end();
  }
}

async function pipelineRun(
  ctx: MatchingContext,
  agencyId: string,
  file: string,
  audit: boolean,
): Promise<PipelineFigures> {
  const agency = await getAgency(ctx, agencyId);
  const started = performance.now();
  const job = await createMatchingJob(ctx, {
    agency,
    purpose: 'tax.registration',
    format: 'csv',
    body: createReadStream(file, { highWaterMark: 256 * 1024 }),
  });
  const uploaded = performance.now();
  const timings = emptyMatchingTimings();
  const done = await matchNextJob(ctx, { jobId: job.jobId, auditEntries: audit, timings });
  if (done?.status !== 'done') throw new Error(`the job ended ${done?.status}: ${done?.error?.detail}`);
  const matched = performance.now();
  const { chunks } = await matchingReport(ctx, agencyId, job.jobId);
  let bytes = 0;
  for await (const chunk of chunks) bytes += chunk.length;
  const reported = performance.now();
  if (bytes === 0) throw new Error('empty report');
  const seconds = (reported - started) / 1000;
  return {
    seconds,
    recordsPerSecond: done.recordsTotal / seconds,
    uploadSeconds: (uploaded - started) / 1000,
    matchSeconds: (matched - uploaded) / 1000,
    reportSeconds: (reported - matched) / 1000,
    counts: done.counts,
    timings,
  };
}

export async function runBulkMatchingBench(
  options: BulkMatchingBenchOptions,
): Promise<BulkMatchingBenchResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-bulk-bench-'));
  const file = path.join(dir, 'records.csv');
  const database = await openDatabase({ url: options.databaseUrl, poolSize: 4 });
  try {
    log(`bulk: writing a ${options.rows.toLocaleString('en')}-row file from the registry (not timed) …`);
    const rows = await writeFile(options.databaseUrl, options.rows, file);
    const fileBytes = statSync(file).size;
    const subjectSecret = randomBytes(32);
    const units = await AdminUnits.load(database.db);
    const registry = {
      db: database.db,
      units,
      clock: systemClock,
      rules: defaultRules,
      audit: { subjectSecret, auditReads: true },
    };
    const ctx: MatchingContext = {
      db: database.db,
      clock: systemClock,
      logger: createLogger('warn'),
      registry,
      subjectSecret,
      database,
    };
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const agency = await registerAgency(ctx, {
      name: 'Tổng cục Thuế (benchmark)',
      scopes: ['exchange.match'],
      purposes: [
        {
          code: 'tax.registration',
          description: 'Đăng ký mã số thuế',
          legalBasis: 'Luật Quản lý thuế 38/2019/QH14',
          fields: ['fullName', 'dateOfBirth', 'sex'],
        },
      ],
      jwks: { keys: [jwk] },
    });

    const rounds = Math.max(1, options.rounds ?? 3);
    const seconds = (figures: PipelineFigures) =>
      `${figures.seconds.toFixed(2)} s (upload ${figures.uploadSeconds.toFixed(2)}, match ${figures.matchSeconds.toFixed(2)}, report ${figures.reportSeconds.toFixed(2)})`;
    const runs: {
      base: Awaited<ReturnType<typeof baseline>>;
      audited: PipelineFigures;
      unaudited?: PipelineFigures;
    }[] = [];
    for (let round = 1; round <= rounds; round++) {
      log(`bulk round ${round}/${rounds}: baseline (COPY + one hash join) …`);
      const base = await baseline(options.databaseUrl, file);
      log(
        `  ${(base.copySeconds + base.joinSeconds).toFixed(2)} s (COPY ${base.copySeconds.toFixed(2)}, join ${base.joinSeconds.toFixed(2)})`,
      );
      log(`bulk round ${round}/${rounds}: dinhdanh, audited …`);
      const audited = await pipelineRun(ctx, agency.agencyId, file, true);
      log(`  ${seconds(audited)}`);
      let unaudited: PipelineFigures | undefined;
      if (!options.skipUnaudited) {
        log(`bulk round ${round}/${rounds}: dinhdanh without audit entries (benchmark only) …`);
        unaudited = await pipelineRun(ctx, agency.agencyId, file, false);
        log(`  ${seconds(unaudited)}`);
      }
      runs.push({ base, audited, ...(unaudited ? { unaudited } : {}) });
    }
    const baseSeconds = (run: (typeof runs)[number]) => run.base.copySeconds + run.base.joinSeconds;
    const byAudited = [...runs].sort((a, b) => a.audited.seconds - b.audited.seconds);
    const middle = byAudited[Math.floor((byAudited.length - 1) / 2)]!;
    const found = (figures: PipelineFigures) =>
      figures.counts.matched + figures.counts.mismatched + figures.counts.deceased;
    const unauditedRuns = runs.filter((run) => run.unaudited);
    const byUnaudited = [...unauditedRuns].sort((a, b) => a.unaudited!.seconds - b.unaudited!.seconds);
    const t = middle.audited.timings;
    const perBatch = (ms: number) => ms / Math.max(1, t.batches);
    const auditedSeconds = median(runs.map((run) => run.audited.seconds));
    return {
      rows,
      fileBytes,
      rounds,
      seconds: auditedSeconds,
      recordsPerSecond: rows / auditedSeconds,
      baselineSeconds: median(runs.map(baseSeconds)),
      baseline: {
        copySeconds: median(runs.map((run) => run.base.copySeconds)),
        joinSeconds: median(runs.map((run) => run.base.joinSeconds)),
      },
      ratio: median(runs.map((run) => run.audited.seconds / baseSeconds(run))),
      audited: middle.audited,
      ...(unauditedRuns.length > 0
        ? {
            unauditedRatio: median(unauditedRuns.map((run) => run.unaudited!.seconds / baseSeconds(run))),
            unaudited: byUnaudited[Math.floor((byUnaudited.length - 1) / 2)]!.unaudited!,
            auditMicrosecondsPerEntry: median(
              unauditedRuns.map(
                (run) =>
                  ((run.audited.seconds - run.unaudited!.seconds) * 1e6) / Math.max(1, found(run.audited)),
              ),
            ),
          }
        : {}),
      perBatchMs: {
        batches: t.batches,
        fetchMs: perBatch(t.fetchMs),
        compareMs: perBatch(t.compareMs),
        subjectKeyMs: perBatch(t.subjectKeyMs),
        auditPrepareMs: perBatch(t.auditPrepareMs),
        writeMs: perBatch(t.writeMs),
        writeWaitMs: perBatch(t.writeWaitMs),
      },
      perRound: runs.map((run) => ({
        baselineSeconds: baseSeconds(run),
        auditedSeconds: run.audited.seconds,
        ...(run.unaudited ? { unauditedSeconds: run.unaudited.seconds } : {}),
      })),
    };
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '1000000' },
      rows: { type: 'string' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const people = Number(values.people);
  const rows = Number(values.rows ?? values.people);
  const cluster = await startPostgresCluster();
  process.once('SIGINT', () => {
    cluster.stop();
    process.exit(130);
  });
  try {
    const databaseUrl = await createClusterDatabase(cluster.url, 'bulk_bench');
    const database = await openDatabase({ url: databaseUrl, poolSize: 4 });
    await prepareDatabase(database);
    process.stderr.write(`seeding ${people.toLocaleString('en')} people …\n`);
    await seedPopulation(database, { people, concurrency: 2 });
    await database.exec('VACUUM ANALYZE');
    await database.close();
    const result = await runBulkMatchingBench({ databaseUrl, rows, rounds: Number(values.rounds) });
    process.stdout.write(
      `${bulkMatchingTable(result)}\n\n${JSON.stringify({ date: new Date().toISOString(), people, ...result })}\n`,
    );
  } finally {
    cluster.stop();
  }
}
