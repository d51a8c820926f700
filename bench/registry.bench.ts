// `npm run bench:registry [-- --people N]`: the foundation benchmark on a throwaway PostgreSQL.
// Seeds N people (default 1,000,000) and compares with a raw COPY of the same rows, then measures
// person lookup over HTTP and name + date-of-birth search on that population, each next to its
// anchor measured in the same run. Prints a table and the figures as JSON.
import os from 'node:os';
import { startPostgresCluster } from '@dinhdanh/db/cluster';
import { runLookupBench } from './lookup.bench.ts';
import { formatSeedBench, runSeedBench } from './seed.bench.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const people = Number(arg('people') ?? 1_000_000);
const seconds = Number(arg('seconds') ?? 10);

const cluster = await startPostgresCluster();
process.once('SIGINT', () => {
  cluster.stop();
  process.exit(130);
});
try {
  const seed = await runSeedBench({ people, serverUrl: cluster.url, keepSeededDatabase: true });
  process.stdout.write(`${formatSeedBench(seed)}\n`);
  if (!seed.seededDatabaseUrl) throw new Error('the seed benchmark kept no database');
  const lookup = await runLookupBench({ databaseUrl: seed.seededDatabaseUrl, seconds });
  const row = (name: string, value: string, anchor: string, target: string) =>
    `| ${name.padEnd(38)} | ${value.padStart(14)} | ${anchor.padStart(22)} | ${target.padEnd(16)} |`;
  const lines = [
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${lookup.people.toLocaleString('en')} people`,
    row('figure', 'dinhdanh', 'anchor (same run)', 'target'),
    row('-', '-', '-', '-').replace(/ - /g, '---').replace(/\s/g, '-'),
    row(
      'seed people/s',
      Math.round(seed.seed.peoplePerSecond).toLocaleString('en'),
      `raw COPY ${Math.round(seed.copy.peoplePerSecond).toLocaleString('en')}`,
      '1M in < 60 s',
    ),
    row('seed ÷ raw COPY', seed.ratio.toFixed(2), '1.00', '≥ 0.7'),
    row(
      'lookup req/s (HTTP, audited reads)',
      Math.round(lookup.lookup.requestsPerSecond).toLocaleString('en'),
      `bare http+pg ${Math.round(lookup.lookupAnchor.requestsPerSecond).toLocaleString('en')}`,
      '≥ 5,000',
    ),
    row('lookup p99 ms', lookup.lookup.p99Ms.toFixed(1), lookup.lookupAnchor.p99Ms.toFixed(1), '< 10'),
    row(
      'lookup req/s without read auditing',
      Math.round(lookup.lookupUnaudited.requestsPerSecond).toLocaleString('en'),
      `p99 ${lookup.lookupUnaudited.p99Ms.toFixed(1)} ms`,
      '',
    ),
    row(
      'audited ÷ unaudited lookup',
      (lookup.lookup.requestsPerSecond / lookup.lookupUnaudited.requestsPerSecond).toFixed(2),
      '1.00',
      '≥ 0.8 (issue 3)',
    ),
    row('lookup non-2xx', String(lookup.lookup.non2xx), String(lookup.lookupAnchor.non2xx), '0'),
    row(
      'search name+DOB p50 ms',
      lookup.search.p50Ms.toFixed(2),
      `raw SQL ${lookup.searchAnchor.p50Ms.toFixed(2)}`,
      '',
    ),
    row(
      'search name+DOB p99 ms',
      lookup.search.p99Ms.toFixed(2),
      `raw SQL ${lookup.searchAnchor.p99Ms.toFixed(2)}`,
      '< 20',
    ),
  ];
  process.stdout.write(
    `\n${lines.join('\n')}\n\n${JSON.stringify({ date: new Date().toISOString(), seed, lookup })}\n`,
  );
} finally {
  cluster.stop();
}
