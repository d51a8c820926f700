// Seeding throughput on PostgreSQL, with its anchor: a raw server-side COPY of the same population,
// pre-generated to CSV files, into the same tables and indexes.
//
//   npx node bench/seed.bench.ts [--people N] [--concurrency C] [--batch-size B] [--seed S]
//
// Exported as runSeedBench() for the combined registry benchmark. The generator is imported from
// its file (not the package's public API) only to write the anchor's files byte for byte as the
// seeder sends them; the cluster helper is imported directly so that vitest is not pulled in.
import { once } from 'node:events';
import { chmodSync, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Database, openDatabase } from '@dinhdanh/db';
import { createClusterDatabase, startPostgresCluster } from '@dinhdanh/db/cluster';
import { personColumns, seedPopulation } from '@dinhdanh/registry';
import {
  DEFAULT_AS_OF,
  DEFAULT_BATCH_SIZE,
  householdColumns,
  householdEventColumns,
  PopulationGenerator,
  personEventColumns,
  type SeedBatch,
} from '@dinhdanh/registry/seed';
import { prepareDatabase } from '@dinhdanh/server';
import pg from 'pg';

export interface SeedBenchOptions {
  people?: number;
  seed?: number;
  batchSize?: number;
  /** Batches loaded at once by the seeder (PostgreSQL connections). */
  concurrency?: number;
  /** Maintenance URL of a running local cluster; when absent a throwaway cluster is started. */
  serverUrl?: string;
  /**
   * Keep the seeded database and return its URL, for benchmarks that need a population; needs
   * `serverUrl`. The anchor reads its files on the server side, so the cluster must be local.
   */
  keepSeededDatabase?: boolean;
  log?: (line: string) => void;
}

export interface SeedBenchResult {
  people: number;
  households: number;
  events: number;
  /** Bytes of COPY text for the whole population. */
  bytes: number;
  /** The generator alone, one thread, no database. */
  generator: { seconds: number; peoplePerSecond: number };
  /** seedPopulation end to end (worker generation, COPY in per-batch transactions). */
  seed: { seconds: number; peoplePerSecond: number; concurrency: number };
  /** The anchor: server-side COPY FROM the pre-generated files, table by table. */
  copy: { seconds: number; peoplePerSecond: number; tables: Record<string, number> };
  /** Seeder rate ÷ anchor rate. */
  ratio: number;
  seededDatabaseUrl?: string;
}

const tables = [
  { key: 'household', table: 'registry.household', columns: householdColumns },
  { key: 'householdEvent', table: 'registry.household_event', columns: householdEventColumns },
  { key: 'person', table: 'registry.person', columns: personColumns },
  { key: 'personEvent', table: 'registry.person_event', columns: personEventColumns },
] as const;

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  } finally {
    await admin.end();
  }
}

async function migrated(url: string, poolSize: number): Promise<Database> {
  const database = await openDatabase({ url, poolSize });
  await prepareDatabase(database);
  return database;
}

/** Writes the population the seeder generates on an empty database to one CSV file per table. */
async function writeFiles(
  dir: string,
  options: { people: number; seed: number; batchSize: number },
): Promise<{ files: Record<string, string>; bytes: number; generatorSeconds: number }> {
  const files = Object.fromEntries(tables.map(({ key }) => [key, path.join(dir, `${key}.csv`)]));
  const streams = Object.fromEntries(tables.map(({ key }) => [key, createWriteStream(files[key]!)]));
  const generator = new PopulationGenerator({
    people: options.people,
    seed: options.seed,
    batchSize: options.batchSize,
    asOf: DEFAULT_AS_OF,
    firstHouseholdId: 1,
  });
  let generating = 0;
  let bytes = 0;
  for (;;) {
    const started = performance.now();
    const batch: SeedBatch | undefined = generator.nextBatch();
    generating += performance.now() - started;
    if (!batch) break;
    for (const { key } of tables)
      for (const chunk of batch[key]) {
        bytes += chunk.byteLength;
        const stream = streams[key]!;
        if (!stream.write(chunk)) await once(stream, 'drain');
      }
  }
  for (const stream of Object.values(streams)) {
    stream.end();
    await once(stream, 'finish');
  }
  // The server reads the files (as the postgres user when the cluster runs as root).
  for (const file of Object.values(files)) chmodSync(file, 0o644);
  return { files, bytes, generatorSeconds: generating / 1000 };
}

export async function runSeedBench(options: SeedBenchOptions = {}): Promise<SeedBenchResult> {
  const people = options.people ?? 1_000_000;
  const seed = options.seed ?? 1;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const concurrency = options.concurrency ?? 2;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (options.keepSeededDatabase && !options.serverUrl)
    throw new Error('keepSeededDatabase needs serverUrl: a cluster the caller owns and stops');
  const cluster = options.serverUrl ? undefined : await startPostgresCluster();
  const serverUrl = options.serverUrl ?? cluster!.url;
  const dir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-seed-bench-'));
  chmodSync(dir, 0o755);
  const stopOnSignal = () => {
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', stopOnSignal);
  try {
    // (a) dinhdanh seed, end to end.
    const seededUrl = await createClusterDatabase(serverUrl, 'seed_bench');
    const seeded = await migrated(seededUrl, concurrency + 2);
    log(`seeding ${people.toLocaleString('en')} people (batch ${batchSize}, concurrency ${concurrency}) …`);
    let lastLog = 0;
    const started = performance.now();
    const result = await seedPopulation(seeded, {
      people,
      seed,
      batchSize,
      concurrency,
      onProgress: ({ done, total }) => {
        const now = performance.now();
        if (now - lastLog > 5000 || done === total) {
          lastLog = now;
          const rate = Math.round(done / ((now - started) / 1000));
          log(
            `  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${rate.toLocaleString('en')} people/s)`,
          );
        }
      },
    });
    const seedSeconds = (performance.now() - started) / 1000;
    await seeded.close();
    if (!options.keepSeededDatabase) await dropDatabase(serverUrl, 'seed_bench');

    // (b) the anchor: the same population as files (not timed), then raw COPY FROM them.
    log('writing the same population to CSV files (not timed) …');
    const { files, bytes, generatorSeconds } = await writeFiles(dir, { people, seed, batchSize });
    const copyUrl = await createClusterDatabase(serverUrl, 'copy_bench');
    const anchor = await migrated(copyUrl, 2);
    await anchor.close();
    const client = new pg.Client({ connectionString: copyUrl });
    await client.connect();
    const tableSeconds: Record<string, number> = {};
    let copySeconds = 0;
    try {
      log('anchor: COPY … FROM the files …');
      for (const { key, table, columns } of tables) {
        const t0 = performance.now();
        await client.query(`COPY ${table} (${columns.join(',')}) FROM '${files[key]}' WITH (FORMAT csv)`);
        const seconds = (performance.now() - t0) / 1000;
        tableSeconds[table] = seconds;
        copySeconds += seconds;
      }
    } finally {
      await client.end();
    }
    await dropDatabase(serverUrl, 'copy_bench');

    const seedRate = people / seedSeconds;
    const copyRate = people / copySeconds;
    return {
      people: result.people,
      households: result.households,
      events: result.events,
      bytes,
      generator: { seconds: generatorSeconds, peoplePerSecond: people / generatorSeconds },
      seed: { seconds: seedSeconds, peoplePerSecond: seedRate, concurrency },
      copy: { seconds: copySeconds, peoplePerSecond: copyRate, tables: tableSeconds },
      ratio: seedRate / copyRate,
      ...(options.keepSeededDatabase ? { seededDatabaseUrl: seededUrl } : {}),
    };
  } finally {
    process.off('SIGINT', stopOnSignal);
    rmSync(dir, { recursive: true, force: true });
    cluster?.stop();
  }
}

export function formatSeedBench(r: SeedBenchResult): string {
  const n = (value: number, digits = 0) =>
    value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const rows: [string, string, string][] = [
    ['generator alone (1 thread, no database)', n(r.generator.seconds, 1), n(r.generator.peoplePerSecond)],
    [
      `dinhdanh seed (worker + COPY, ${r.seed.concurrency} connection${r.seed.concurrency > 1 ? 's' : ''})`,
      n(r.seed.seconds, 1),
      n(r.seed.peoplePerSecond),
    ],
    ['anchor: raw COPY … FROM files', n(r.copy.seconds, 1), n(r.copy.peoplePerSecond)],
    ...Object.entries(r.copy.tables).map(
      ([table, seconds]) => [`  ${table}`, n(seconds, 1), ''] as [string, string, string],
    ),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [
    `seed bench: ${n(r.people)} people, ${n(r.households)} households, ${n(r.events)} events, ` +
      `${n(r.bytes / 1e9, 2)} GB of COPY text; PostgreSQL, ${cpus().length} CPUs`,
    `| ${'step'.padEnd(width)} | seconds | people/s |`,
    `|${'-'.repeat(width + 2)}|--------:|---------:|`,
    ...rows.map(
      ([label, seconds, rate]) => `| ${label.padEnd(width)} | ${seconds.padStart(7)} | ${rate.padStart(8)} |`,
    ),
    `ratio seed ÷ anchor: ${n(r.ratio, 2)} (target ≥ 0.70)`,
  ];
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      people: { type: 'string' },
      seed: { type: 'string' },
      'batch-size': { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  const result = await runSeedBench({
    ...(values.people ? { people: Number(values.people) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(values['batch-size'] ? { batchSize: Number(values['batch-size']) } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
  });
  process.stdout.write(`${formatSeedBench(result)}\n`);
}
