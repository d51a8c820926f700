// `npx node bench/audit-batch.bench.ts [--batches N] [--size N]`: what auditing a bulk read costs,
// per person, written as one entry per person (ADR 0004, how bulk matching audited until
// 2026-12-07) beside one batch entry with its members (ADR 0009), interleaved batch by batch on
// the same throwaway PostgreSQL so both see the same load and the same growing log. Subject keys
// are computed beforehand (both designs need the same HMAC per person). Prints medians per batch:
// preparing (validation, canonical text; members: their tree) and the insert statement.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  type AuditEntryInput,
  auditMigrations,
  insertBatchEntryCte,
  insertEntriesCte,
  prepareAuditBatch,
  prepareEntries,
  subjectKey,
} from '@dinhdanh/audit';
import { migrate, openDatabase } from '@dinhdanh/db';
import { createClusterDatabase, startPostgresCluster } from '@dinhdanh/db/cluster';
import { sql } from 'kysely';

const { values } = parseArgs({
  options: { batches: { type: 'string', default: '100' }, size: { type: 'string', default: '10000' } },
});
const batches = Number(values.batches);
const size = Number(values.size);

const median = (list: readonly number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

const cluster = await startPostgresCluster();
process.once('SIGINT', () => {
  cluster.stop();
  process.exit(130);
});
try {
  const database = await openDatabase({
    url: await createClusterDatabase(cluster.url, 'audit_batch_bench'),
    poolSize: 2,
  });
  await migrate(database, await auditMigrations());
  const secret = randomBytes(32);
  const common = {
    actor: { kind: 'agency' as const, id: 'ag-bench', unit: 'Tổng cục Thuế (benchmark)' },
    action: 'exchange.person.matched',
    purpose: 'Đăng ký mã số thuế (tax.registration)',
    legalBasis: 'Luật Quản lý thuế 38/2019/QH14',
  };
  const fields = ['fullName', 'dateOfBirth', 'sex'];
  const perPerson = { prepare: [] as number[], insert: [] as number[] };
  const perBatch = { prepare: [] as number[], insert: [] as number[] };
  let person = 0;
  for (let b = 0; b < batches; b++) {
    // Two disjoint sets of people per round, one for each design.
    const keys = () =>
      Array.from({ length: size }, () =>
        subjectKey(secret, `0010${String(90_000_000 + person++).padStart(8, '0')}`),
      );
    const [a, c] = [keys(), keys()];
    const runPerPerson = async () => {
      let started = performance.now();
      const entries: AuditEntryInput[] = a.map((key) => ({
        ...common,
        subjectKey: key,
        details: { jobId: `job-${b}`, fields },
      }));
      const prepared = prepareEntries(entries);
      perPerson.prepare.push(performance.now() - started);
      started = performance.now();
      await database.db
        .transaction()
        .execute((trx) =>
          sql`WITH ${insertEntriesCte(prepared)} SELECT count(*) FROM audit_inserted`.execute(trx),
        );
      perPerson.insert.push(performance.now() - started);
    };
    const runPerBatch = async () => {
      let started = performance.now();
      const details = { fields };
      const batch = prepareAuditBatch(
        { ...common, details: { jobId: `job-${b}` } },
        c.map((key) => ({ subjectKey: key, details })),
      );
      perBatch.prepare.push(performance.now() - started);
      started = performance.now();
      await database.db
        .transaction()
        .execute((trx) => sql`WITH ${insertBatchEntryCte(batch)} SELECT id FROM audit_inserted`.execute(trx));
      perBatch.insert.push(performance.now() - started);
    };
    if (b % 2 === 0) {
      await runPerPerson();
      await runPerBatch();
    } else {
      await runPerBatch();
      await runPerPerson();
    }
    if ((b + 1) % 10 === 0) process.stderr.write(`${(b + 1) * size} people per design …\n`);
  }
  await database.close();
  const us = (ms: number) => ((ms * 1000) / size).toFixed(1);
  const row = (name: string, figures: { prepare: number[]; insert: number[] }) => {
    const prepare = median(figures.prepare);
    const insert = median(figures.insert);
    return `| ${name} | ${prepare.toFixed(0)} ms (${us(prepare)} µs) | ${insert.toFixed(0)} ms (${us(insert)} µs) | ${(prepare + insert).toFixed(0)} ms (${us(prepare + insert)} µs) |`;
  };
  const ratio =
    (median(perPerson.prepare) + median(perPerson.insert)) /
    (median(perBatch.prepare) + median(perBatch.insert));
  process.stdout.write(
    `${[
      `medians over ${batches} batches of ${size.toLocaleString('en')} people per design (${(batches * size).toLocaleString('en')} each), interleaved`,
      '',
      '| audit of one batch | prepare (per person) | insert (per person) | total (per person) |',
      '|---|---:|---:|---:|',
      row('one entry per person (before)', perPerson),
      row('one batch entry, people as members (ADR 0009)', perBatch),
      '',
      `per-person entries ÷ batch entry: ${ratio.toFixed(2)}×`,
    ].join(
      '\n',
    )}\n\n${JSON.stringify({ date: new Date().toISOString(), batches, size, perPerson, perBatch })}\n`,
  );
} finally {
  cluster.stop();
}
