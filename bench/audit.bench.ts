// `npm run bench:audit`: the audit log's figures in one run on a throwaway PostgreSQL —
// batched appends next to a raw INSERT of the same rows, proof generation on a 10,000,000-leaf
// tree, and person lookup over HTTP with read auditing next to the same server without it.
import { startPostgresCluster } from '@dinhdanh/db/cluster';
import { formatAuditAppendBench, runAuditAppendBench } from './audit-append.bench.ts';
import { runLookupBench } from './lookup.bench.ts';
import { runSeedBench } from './seed.bench.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
};

const cluster = await startPostgresCluster();
process.once('SIGINT', () => {
  cluster.stop();
  process.exit(130);
});
try {
  const append = await runAuditAppendBench({ serverUrl: cluster.url, treeSize: arg('tree') });
  process.stdout.write(`${formatAuditAppendBench(append)}\n`);
  const seed = await runSeedBench({
    people: arg('people') ?? 200_000,
    serverUrl: cluster.url,
    keepSeededDatabase: true,
  });
  if (!seed.seededDatabaseUrl) throw new Error('no seeded database');
  const lookup = await runLookupBench({ databaseUrl: seed.seededDatabaseUrl, seconds: arg('seconds') ?? 10 });
  const ratio = lookup.lookup.requestsPerSecond / lookup.lookupUnaudited.requestsPerSecond;
  process.stdout.write(
    `\nperson lookup over HTTP on ${lookup.people.toLocaleString('en')} people (median of 3 rounds):\n` +
      `  audited reads   ${Math.round(lookup.lookup.requestsPerSecond)} req/s, p99 ${lookup.lookup.p99Ms} ms\n` +
      `  unaudited       ${Math.round(lookup.lookupUnaudited.requestsPerSecond)} req/s, p99 ${lookup.lookupUnaudited.p99Ms} ms\n` +
      `  audited ÷ unaudited = ${ratio.toFixed(2)} (target ≥ 0.80)\n\n` +
      `${JSON.stringify({ date: new Date().toISOString(), append, lookup })}\n`,
  );
} finally {
  cluster.stop();
}
