// `npx node bench/audit-append.bench.ts [-- --entries N --tree N --writers N --batch N]`: the
// audit log on a throwaway PostgreSQL. Measures batched appends next to a raw multi-row INSERT
// of the same rows into a plain table (no canonical JSON, no queue) in the same run, sequencing
// throughput, and inclusion/consistency proof generation on a 10,000,000-leaf tree. The big
// tree is generated in SQL (leaf hashes of synthetic entries, every perfect subtree above them),
// as the sequencer would have stored it; the proofs then go through the real code path.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  type AuditEntryInput,
  appendAuditEntries,
  auditMigrations,
  canonicalJson,
  checkpointSigner,
  consistencyProof,
  createCheckpoint,
  hashLeaf,
  inclusionProof,
  rootAt,
  sequence,
  subjectKey,
  verifyConsistency,
  verifyInclusion,
} from '@dinhdanh/audit';
import { type Database, migrate, openDatabase } from '@dinhdanh/db';
import { createClusterDatabase, startPostgresCluster } from '@dinhdanh/db/cluster';
import { StaticKeyStore } from '@dinhdanh/kernel';
import { prepareDatabase } from '@dinhdanh/server';
import pg from 'pg';

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
  samples: number;
}

export interface AuditAppendFigures {
  machine: string;
  entries: number;
  batchSize: number;
  writers: number;
  append: { entriesPerSecond: number; seconds: number };
  /** The anchor: the same rows, multi-row INSERT into a plain table, no hashing, same writers. */
  rawInsert: { entriesPerSecond: number; seconds: number };
  appendOverRawInsert: number;
  sequence: { entriesPerSecond: number; seconds: number };
  checkpointMs: number;
  proofs: {
    treeSize: number;
    buildSeconds: number;
    /** First pass: random positions, pages possibly not cached. */
    inclusion: LatencyFigures;
    consistency: LatencyFigures;
    /** The same proofs again, pages cached. */
    repeat: { inclusion: LatencyFigures; consistency: LatencyFigures };
    /** Proofs that failed verification against the root at their size (must be 0). */
    failures: number;
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const latency = (samples: number[]): LatencyFigures => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), samples: sorted.length };
};

// A deterministic mix of officer reads and registry writes about 50,000 people.
function syntheticEntries(count: number): AuditEntryInput[] {
  const secret = new Uint8Array(32).fill(7);
  const subjects = Array.from({ length: 1_000 }, (_, i) =>
    subjectKey(secret, `0010900${String(i).padStart(5, '0')}`),
  );
  const at = new Date('2026-03-01T08:00:00.000Z');
  return Array.from({ length: count }, (_, i) => ({
    recordedAt: new Date(at.getTime() + i),
    actor: { kind: 'officer', id: `officer-${i % 997}`, unit: `0${(i % 3321) + 1000}` },
    action: i % 10 === 0 ? 'registry.residence_registered' : 'registry.person.read',
    subjectKey: subjects[i % subjects.length],
    purpose: 'Giải quyết thủ tục đăng ký thường trú',
    legalBasis: 'Luật Cư trú 68/2020/QH14, Điều 20',
    details: { request: `req-${i}`, fields: ['fullName', 'dateOfBirth', 'permanentResidence'] },
  }));
}

/** Runs `work` on batches from `batches` with `writers` concurrent workers; returns seconds. */
async function drain<T>(
  batches: T[],
  writers: number,
  work: (batch: T) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < batches.length) await work(batches[next++]!);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function benchAppend(
  serverUrl: string,
  options: { entries: number; batchSize: number; writers: number },
) {
  const url = await createClusterDatabase(serverUrl, 'audit_bench');
  const database = await openDatabase({ url, poolSize: options.writers + 2 });
  try {
    await prepareDatabase(database);
    await database.exec(`
      CREATE SCHEMA bench;
      CREATE TABLE bench.plain_entry (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, recorded_at timestamptz NOT NULL, actor_kind text NOT NULL,
        actor_id text NOT NULL, actor_unit text, action text NOT NULL, subject_key text, purpose text,
        legal_basis text, details jsonb NOT NULL, canonical text NOT NULL)`);
    const entries = syntheticEntries(options.entries);
    const batches: AuditEntryInput[][] = [];
    for (let i = 0; i < entries.length; i += options.batchSize)
      batches.push(entries.slice(i, i + options.batchSize));

    // The anchor's rows are prepared before the clock starts: it does no canonical JSON at all.
    const rawRows = batches.map((batch) =>
      batch.flatMap((e) => [
        e.recordedAt!.toISOString(),
        e.actor.kind,
        e.actor.id,
        e.actor.unit,
        e.action,
        e.subjectKey,
        e.purpose,
        e.legalBasis,
        JSON.stringify(e.details),
        canonicalJson(e),
      ]),
    );
    const rawSql = (rows: number) =>
      `INSERT INTO bench.plain_entry (recorded_at, actor_kind, actor_id, actor_unit, action, subject_key, purpose,
         legal_basis, details, canonical) VALUES ${Array.from(
           { length: rows },
           (_, r) => `(${Array.from({ length: 10 }, (_, c) => `$${r * 10 + c + 1}`).join(',')})`,
         ).join(',')}`;
    const pool = new pg.Pool({ connectionString: url, max: options.writers });
    // Warm both paths up.
    await pool.query(rawSql(1), rawRows[0]!.slice(0, 10));
    await database.db.transaction().execute((trx) => appendAuditEntries(trx, batches[0]!.slice(0, 100)));
    // Settle before each measured phase: no autovacuum or checkpoint from the previous one.
    const settle = async () => {
      await database.exec('VACUUM ANALYZE');
      await database.exec('CHECKPOINT');
    };
    await settle();
    const rawSeconds = await drain(
      rawRows.map((params, i) => ({ params, rows: batches[i]!.length })),
      options.writers,
      ({ params, rows }) => pool.query(rawSql(rows), params),
    );
    await pool.end();
    await settle();
    const appendSeconds = await drain(batches, options.writers, (batch) =>
      database.db.transaction().execute((trx) => appendAuditEntries(trx, batch)),
    );

    await settle();
    const sequenceStarted = performance.now();
    const sequenced = await sequence(database);
    const sequenceSeconds = (performance.now() - sequenceStarted) / 1000;
    const signer = await checkpointSigner(
      new StaticKeyStore({}, { 'audit-checkpoint': [new Uint8Array(32).fill(1)] }),
    );
    const checkpointStarted = performance.now();
    await createCheckpoint(database, signer);
    const checkpointMs = performance.now() - checkpointStarted;

    return {
      append: { entriesPerSecond: options.entries / appendSeconds, seconds: appendSeconds },
      rawInsert: { entriesPerSecond: options.entries / rawSeconds, seconds: rawSeconds },
      appendOverRawInsert: rawSeconds / appendSeconds,
      sequence: { entriesPerSecond: sequenced.sequenced / sequenceSeconds, seconds: sequenceSeconds },
      checkpointMs,
    };
  } finally {
    await database.close();
  }
}

/** Fills an empty audit schema with a tree of `size` synthetic leaves and all its perfect subtrees. */
async function buildTree(database: Database, size: number): Promise<void> {
  await database.bulk(async (session) => {
    // Synthetic leaves have no entry rows: foreign keys (and triggers) are off for the load.
    await session.exec(`SET LOCAL session_replication_role = replica; SET LOCAL work_mem = '256MB'`);
    await session.exec(`
      INSERT INTO audit.leaf (leaf_index, entry_id, leaf_hash)
      SELECT i, i + 1, sha256('\\x00'::bytea || convert_to('synthetic entry ' || i, 'UTF8'))
        FROM generate_series(0, ${size - 1}) AS i`);
    await session.exec(`
      INSERT INTO audit.tree_node (level, index, hash)
      SELECT 1, i / 2, h FROM (
        SELECT leaf_index AS i,
               CASE WHEN leaf_index % 2 = 0
                    THEN sha256('\\x01'::bytea || leaf_hash || lead(leaf_hash) OVER (ORDER BY leaf_index)) END AS h,
               lead(leaf_index) OVER (ORDER BY leaf_index) AS next
          FROM audit.leaf) s
       WHERE i % 2 = 0 AND next IS NOT NULL`);
    for (let level = 2; 2 ** level <= size; level++)
      await session.exec(`
        INSERT INTO audit.tree_node (level, index, hash)
        SELECT ${level}, i / 2, h FROM (
          SELECT index AS i,
                 CASE WHEN index % 2 = 0
                      THEN sha256('\\x01'::bytea || hash || lead(hash) OVER (ORDER BY index)) END AS h,
                 lead(index) OVER (ORDER BY index) AS next
            FROM audit.tree_node WHERE level = ${level - 1}) s
         WHERE i % 2 = 0 AND next IS NOT NULL`);
  });
  // A log this size would long have been vacuumed; do it now so the measurement does not share
  // the two cores with autovacuum working through 20 million fresh rows.
  for (const statement of ['VACUUM ANALYZE audit.leaf', 'VACUUM ANALYZE audit.tree_node', 'CHECKPOINT'])
    await database.exec(statement);
}

async function benchProofs(serverUrl: string, size: number, samples: number) {
  const database = await openDatabase({
    url: await createClusterDatabase(serverUrl, 'audit_big'),
    poolSize: 2,
  });
  try {
    await migrate(database, await auditMigrations());
    const buildStarted = performance.now();
    await buildTree(database, size);
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    // A deterministic pseudo-random sequence (xorshift) so runs are comparable.
    let state = 0x9e3779b9;
    const random = (below: number) => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return Math.floor(((state >>> 0) / 2 ** 32) * below);
    };
    // Half the proofs against the whole tree (the newest checkpoint), half against older sizes.
    const warmUp = 200;
    const cases = Array.from({ length: samples + warmUp }, (_, s) => {
      const n = s % 2 === 0 ? size : size / 2 + random(size / 2) + 1;
      const size2 = s % 2 === 0 ? size : 2 + random(size - 1);
      return { m: random(n), n, size1: 1 + random(size2 - 1), size2 };
    });
    const roots = new Map<number, Uint8Array>();
    const rootOf = async (n: number) => roots.get(n) ?? roots.set(n, await rootAt(database.db, n)).get(n)!;
    let failures = 0;
    // The first pass touches random leaves the cache may not hold (a citizen asking about an
    // old entry); the second asks for the same proofs again, with those pages cached.
    const pass = async (verify: boolean) => {
      const inclusion: number[] = [];
      const consistency: number[] = [];
      for (const [s, { m, n, size1, size2 }] of cases.entries()) {
        let started = performance.now();
        const proof = await inclusionProof(database.db, m, n);
        if (s >= warmUp) inclusion.push(performance.now() - started);
        started = performance.now();
        const cproof = await consistencyProof(database.db, size1, size2);
        if (s >= warmUp) consistency.push(performance.now() - started);
        if (!verify) continue;
        const leaf = hashLeaf(Buffer.from(`synthetic entry ${m}`, 'utf8'));
        if (!verifyInclusion(leaf, m, n, proof, await rootOf(n))) failures++;
        if (!verifyConsistency(size1, size2, await rootOf(size1), await rootOf(size2), cproof)) failures++;
        if (roots.size > 1_000) roots.clear();
      }
      return { inclusion: latency(inclusion), consistency: latency(consistency) };
    };
    const first = await pass(true);
    const repeat = await pass(false);
    return { treeSize: size, buildSeconds, ...first, repeat, failures };
  } finally {
    await database.close();
  }
}

/** Runs the whole benchmark; starts a throwaway PostgreSQL unless `serverUrl` is given. */
export async function runAuditAppendBench(
  options: {
    serverUrl?: string;
    entries?: number;
    treeSize?: number;
    writers?: number;
    batchSize?: number;
    proofSamples?: number;
  } = {},
): Promise<AuditAppendFigures> {
  const cluster = options.serverUrl ? undefined : await startPostgresCluster();
  const serverUrl = options.serverUrl ?? cluster!.url;
  try {
    const entries = options.entries ?? 200_000;
    const batchSize = options.batchSize ?? 1_000;
    const writers = options.writers ?? 2;
    const appended = await benchAppend(serverUrl, { entries, batchSize, writers });
    const proofs = await benchProofs(
      serverUrl,
      options.treeSize ?? 10_000_000,
      options.proofSamples ?? 2_000,
    );
    return {
      machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
      entries,
      batchSize,
      writers,
      ...appended,
      proofs,
    };
  } finally {
    cluster?.stop();
  }
}

export function formatAuditAppendBench(f: AuditAppendFigures): string {
  const n = (value: number) => Math.round(value).toLocaleString('en');
  const row = (name: string, value: string, anchor: string, target: string) =>
    `| ${name.padEnd(38)} | ${value.padStart(12)} | ${anchor.padStart(26)} | ${target.padEnd(10)} |`;
  return [
    `machine: ${f.machine}; ${n(f.entries)} entries in batches of ${n(f.batchSize)}, ${f.writers} writers`,
    row('figure', 'dinhdanh', 'anchor (same run)', 'target'),
    row('-', '-', '-', '-').replace(/ - /g, '---').replace(/\s/g, '-'),
    row(
      'append entries/s',
      n(f.append.entriesPerSecond),
      `raw INSERT ${n(f.rawInsert.entriesPerSecond)}`,
      '≥ 20,000',
    ),
    row('append ÷ raw INSERT', f.appendOverRawInsert.toFixed(2), '1.00', ''),
    row('sequence entries/s', n(f.sequence.entriesPerSecond), '', ''),
    row('checkpoint ms (after sequencing)', f.checkpointMs.toFixed(1), '', ''),
    row(`tree of ${n(f.proofs.treeSize)}: build s (SQL)`, f.proofs.buildSeconds.toFixed(1), '', ''),
    row(
      'inclusion p50 / p99 ms, first touch',
      `${f.proofs.inclusion.p50Ms.toFixed(2)} / ${f.proofs.inclusion.p99Ms.toFixed(2)}`,
      '',
      '< 5',
    ),
    row(
      'consistency p50 / p99 ms, first touch',
      `${f.proofs.consistency.p50Ms.toFixed(2)} / ${f.proofs.consistency.p99Ms.toFixed(2)}`,
      '',
      '< 5',
    ),
    row(
      'inclusion p50 / p99 ms, cached',
      `${f.proofs.repeat.inclusion.p50Ms.toFixed(2)} / ${f.proofs.repeat.inclusion.p99Ms.toFixed(2)}`,
      '',
      '< 5',
    ),
    row(
      'consistency p50 / p99 ms, cached',
      `${f.proofs.repeat.consistency.p50Ms.toFixed(2)} / ${f.proofs.repeat.consistency.p99Ms.toFixed(2)}`,
      '',
      '< 5',
    ),
    row('proofs failing verification', String(f.proofs.failures), '', '0'),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const figures = await runAuditAppendBench({
    entries: arg('entries'),
    treeSize: arg('tree'),
    writers: arg('writers'),
    batchSize: arg('batch'),
    proofSamples: arg('samples'),
  });
  process.stdout.write(
    `${formatAuditAppendBench(figures)}\n\n${JSON.stringify({ date: new Date().toISOString(), ...figures })}\n`,
  );
}
