// `npm run bench:exchange [-- --people N --seconds S --rounds R --rate RPS --rows N]`: the exchange
// on a throwaway PostgreSQL with a seeded registry (default 1,000,000 people):
//   1. identity verification API — open loop at a constant rate (p99 target ≤ 10 ms at 1,000/s)
//      and saturation (target ≥ 3,000/s on 2 cores); the anchor is MOSIP's published figure;
//   2. bulk matching of a file from upload to finished report, beside the raw SQL baseline
//      (COPY the same file + one hash join) measured in the same run (exchange-bulk.bench.ts).
// Prints a table and one JSON line for docs/benchmarks.md.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openDatabase } from '@dinhdanh/db';
import { createClusterDatabase, startPostgresCluster } from '@dinhdanh/db/cluster';
import { seedPopulation } from '@dinhdanh/registry';
import { prepareDatabase } from '@dinhdanh/server';
import { runVerificationBench } from './exchange-api.bench.ts';
import { runBulkMatchingBench } from './exchange-bulk.bench.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    rate: { type: 'string', default: '1000' },
    rows: { type: 'string' },
    workers: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});
const people = Number(values.people);
const rows = Number(values.rows ?? values.people);
const log = (line: string) => process.stderr.write(`${line}\n`);

const cluster = await startPostgresCluster();
process.once('SIGINT', () => {
  cluster.stop();
  process.exit(130);
});
try {
  const databaseUrl = await createClusterDatabase(cluster.url, 'exchange_bench');
  const database = await openDatabase({ url: databaseUrl, poolSize: 4 });
  await prepareDatabase(database);
  log(`seeding ${people.toLocaleString('en')} people …`);
  const seedStarted = performance.now();
  await seedPopulation(database, { people, concurrency: 2 });
  log(`  seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  await database.exec('VACUUM ANALYZE');
  await database.close();

  const results: Record<string, unknown> = {};
  const lines: string[] = [];
  const row = (name: string, value: string, anchor: string, target: string) =>
    lines.push(`| ${name} | ${value} | ${anchor} | ${target} |`);

  if (!values.only || values.only === 'verify') {
    log('verification API …');
    const verification = await runVerificationBench({
      databaseUrl,
      seconds: Number(values.seconds),
      rounds: Number(values.rounds),
      rate: Number(values.rate),
      workers: Number(values.workers),
      log,
    });
    results.verification = verification;
    const { openLoop, saturation } = verification;
    row(
      `verification p99 at ${openLoop.rate}/s open loop`,
      `${openLoop.p99Ms.toFixed(1)} ms (p50 ${openLoop.p50Ms.toFixed(1)}, ${openLoop.errors} errors)`,
      '—',
      '≤ 10 ms',
    );
    row(
      'server processes / shared proof-id store',
      `${verification.workers} / ${verification.sharedReplayStore}`,
      '',
      '',
    );
    row(
      'verification saturation',
      `${Math.round(saturation.requestsPerSecond).toLocaleString('en')} req/s (p99 ${saturation.p99Ms.toFixed(1)} ms, ${saturation.errors} errors)`,
      'MOSIP ≈ 6 auth/s on 4.5 vCPU (published)',
      '≥ 3,000 req/s',
    );
  }

  if (!values.only || values.only === 'bulk') {
    // The bulk half lives beside it; it reuses the seeded registry.
    {
      log('bulk matching …');
      const figures = await runBulkMatchingBench({ databaseUrl, rows, log, rounds: Number(values.rounds) });
      results.bulk = figures;
      row(
        `bulk matching of ${rows.toLocaleString('en')} rows (upload → report), median of ${figures.rounds}`,
        `${Math.round(figures.recordsPerSecond).toLocaleString('en')} records/s (${figures.seconds.toFixed(1)} s)`,
        `raw COPY + hash join ${figures.baselineSeconds.toFixed(1)} s`,
        '≥ 100,000/s',
      );
      row('bulk ÷ raw SQL time (median of the rounds’ ratios)', figures.ratio.toFixed(2), '1.00', '≤ 3');
      if (figures.unauditedRatio !== undefined)
        row(
          'bulk without audit entries ÷ raw SQL time (benchmark only)',
          figures.unauditedRatio.toFixed(2),
          '1.00',
          '',
        );
      const b = figures.perBatchMs;
      row(
        `bulk per batch of 10,000 (${b.batches} batches)`,
        `fetch ${b.fetchMs.toFixed(0)} ms, compare ${b.compareMs.toFixed(0)}, subject keys ${b.subjectKeyMs.toFixed(0)}, audit entry ${b.auditPrepareMs.toFixed(0)}, write ${b.writeMs.toFixed(0)} (waited ${b.writeWaitMs.toFixed(0)})`,
        '',
        '',
      );
    }
  }

  process.stdout.write(
    `\nexchange on ${os.cpus().length} cores, ${people.toLocaleString('en')} people\n\n| figure | dinhdanh | anchor | target |\n|---|---|---|---|\n${lines.join('\n')}\n\n${JSON.stringify({ date: new Date().toISOString(), people, ...results })}\n`,
  );
} finally {
  cluster.stop();
}
