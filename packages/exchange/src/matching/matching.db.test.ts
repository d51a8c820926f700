import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  accessLog,
  accessLogEntryProof,
  checkpointSigner,
  checkpointVerifierKeys,
  createCheckpoint,
  subjectKey,
  verifyAccessLogEntryProof,
  verifyLog,
} from '@dinhdanh/audit';
import type { Database } from '@dinhdanh/db';
import { testDatabase } from '@dinhdanh/db/testing';
import { AppError, createLogger, fixedClock, StaticKeyStore } from '@dinhdanh/kernel';
import { AdminUnits, defaultRules, type Officer, recordDeath, seedPopulation } from '@dinhdanh/registry';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agency, Purpose } from '../agency/agency.schema.ts';
import { registerAgency } from '../agency/agency.service.ts';
import { grantConsent } from '../people/consent.service.ts';
import { VERIFICATION_BASIS_FALLBACK } from '../people/people.service.ts';
import {
  getMatchingJob,
  listMatchingJobsForAdmin,
  matchingReport,
  matchNextJob,
  purgeExpiredMatchingJobs,
} from './matching.service.ts';
import type { MatchingContext } from './matching.settings.ts';
import { createMatchingJob } from './matching.upload.ts';

const T0 = new Date('2026-11-23T03:00:00.000Z');
const clock = fixedClock(T0);
const jwks = {
  keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })],
};
const TAX: Purpose = {
  code: 'tax.registration',
  description: 'Đăng ký mã số thuế',
  legalBasis: 'Luật Quản lý thuế 38/2019/QH14',
  fields: ['fullName', 'dateOfBirth', 'sex'],
};
const SURVEY: Purpose = {
  code: 'survey.contact',
  description: 'Khảo sát (cần sự đồng ý)',
  legalBasis: null,
  fields: ['fullName', 'dateOfBirth'],
};

interface Person {
  id_number: string;
  full_name: string;
  date_of_birth: string;
  sex: string;
  date_of_death: string | null;
}

let database: Database;
let ctx: MatchingContext;
let tax: Agency;
let other: Agency;
let alive: Person[];
let dead: Person;

const bytes = (text: string) => new TextEncoder().encode(text);
async function* body(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? bytes(part) : part;
}
const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const strip = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd');

async function report(agencyId: string, jobId: string): Promise<string> {
  const { chunks } = await matchingReport(ctx, agencyId, jobId);
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeAll(async () => {
  database = await testDatabase();
  const subjectSecret = randomBytes(32);
  const registry = {
    db: database.db,
    units: await AdminUnits.load(database.db),
    clock,
    rules: defaultRules,
    audit: { subjectSecret, auditReads: true },
  };
  ctx = { db: database.db, clock, logger: createLogger('silent'), registry, subjectSecret, database };
  await seedPopulation(database, { people: 12, seed: 5, concurrency: 1 });
  const officer: Officer = {
    officerId: 'test-officer',
    unit: { code: 'VN', level: 'country', name: 'Việt Nam' },
    role: 'officer',
  };
  const first = await sql<{ id_number: string }>`
    SELECT id_number FROM registry.person_match WHERE date_of_death IS NULL ORDER BY id_number DESC LIMIT 1`.execute(
    database.db,
  );
  await recordDeath(registry, officer, { idNumber: first.rows[0]!.id_number, dateOfDeath: '2026-11-20' });
  const { rows } = await sql<Person>`
    SELECT id_number, full_name, date_of_birth::text AS date_of_birth, sex, date_of_death::text AS date_of_death
      FROM registry.person_match ORDER BY id_number`.execute(database.db);
  alive = rows.filter((row) => row.date_of_death === null);
  dead = rows.find((row) => row.date_of_death !== null)!;
  expect(dead).toBeDefined();
  tax = await registerAgency(ctx, {
    name: 'Tổng cục Thuế',
    scopes: ['exchange.match'],
    purposes: [TAX, SURVEY],
    jwks,
  });
  other = await registerAgency(ctx, {
    name: 'Bảo hiểm xã hội',
    scopes: ['exchange.match'],
    purposes: [TAX],
    jwks,
  });
});
afterAll(async () => {
  await database?.close();
});

/** A file with a record of every status; returns it and the expected status per line. */
function everyStatusFile() {
  const [a, b, c, d] = alive;
  const rows = [
    'idNumber,fullName,dateOfBirth,sex',
    `${a!.id_number},${a!.full_name},${dmy(a!.date_of_birth)},${a!.sex === 'male' ? 'Nam' : 'Nữ'}`,
    `${b!.id_number},"${strip(b!.full_name).toUpperCase()}",${b!.date_of_birth},${b!.sex}`,
    `${c!.id_number},${c!.full_name},01/01/1901,`,
    '001099999999,Không Có Ai,01/01/1999,Nam',
    `${dead.id_number},${dead.full_name},,`,
    `${a!.id_number},${a!.full_name},,`,
    '12345,Sai Số,,',
    `${d!.id_number},"Thiếu cột"`,
  ];
  return {
    text: `${rows.join('\r\n')}\r\n`,
    statuses: [
      'matched',
      'matched',
      'mismatched',
      'not_found',
      'deceased',
      'duplicate',
      'invalid_id',
      'malformed',
    ],
  };
}

describe('bulk matching', () => {
  it('reports every status, with registry values only for mismatches under a legal basis, audited', async () => {
    const file = everyStatusFile();
    const queued = await createMatchingJob(ctx, {
      agency: tax,
      purpose: TAX.code,
      format: 'csv',
      body: body(file.text),
    });
    expect(queued).toMatchObject({
      status: 'queued',
      recordsTotal: 8,
      fields: ['fullName', 'dateOfBirth', 'sex'],
    });
    const done = await matchNextJob(ctx, { batchSize: 3 });
    expect(done).toMatchObject({ jobId: queued.jobId, status: 'done', recordsDone: 8 });
    expect(done!.counts).toEqual({
      matched: 2,
      mismatched: 1,
      not_found: 1,
      deceased: 1,
      duplicate: 1,
      invalid_id: 1,
      malformed: 1,
    });
    const lines = (await report(tax.agencyId, queued.jobId)).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'line,idNumber,status,detail,fullName,fullName.registry,dateOfBirth,dateOfBirth.registry,sex,sex.registry',
    );
    expect(lines.slice(1).map((line) => line.split(',')[2])).toEqual(file.statuses);
    const c = alive[2]!;
    expect(lines[3]).toBe(`4,${c.id_number},mismatched,,match,,mismatch,${c.date_of_birth},,`);
    expect(lines[6]).toBe(`7,${alive[0]!.id_number},duplicate,duplicate of line 2,,,,,,`);
    expect(lines[7]).toBe('8,12345,invalid_id,wrong_length,,,,,,');
    expect(lines[8]).toBe(`9,${alive[3]!.id_number},malformed,"expected 4 fields, found 2",,,,,,`);
    // The staged records are gone once the report exists.
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'exchange' AND tablename LIKE 'matching_input_%'`.execute(
      database.db,
    );
    expect(rows[0]!.n).toBe(0);
    // One entry per batch whose members are the people found (ADR 0009): each sees it on their
    // own access log as before, naming the agency, the purpose and what was compared.
    const entries = await accessLog(database.db, subjectKey(ctx.subjectSecret, c.id_number));
    const matched = entries.filter((entry) => entry.action === 'exchange.person.matched');
    expect(matched).toHaveLength(1);
    expect(matched[0]).toMatchObject({
      actor: { kind: 'agency', id: tax.agencyId, unit: 'Tổng cục Thuế' },
      purpose: 'Đăng ký mã số thuế (tax.registration)',
      legalBasis: TAX.legalBasis,
      details: { jobId: queued.jobId, fields: ['fullName', 'dateOfBirth'], released: ['dateOfBirth'] },
    });
    const missing = await accessLog(database.db, subjectKey(ctx.subjectSecret, '001099999999'));
    expect(missing).toHaveLength(0);
    // Batches of 3 lines: [a, b, c] → 3 members; [unknown, dead, duplicate] → 1; [invalid, malformed] → none.
    const { rows: audited } = await sql<{ entries: number; members: number }>`
      SELECT count(*)::int AS entries, sum(members_count)::int AS members,
             (SELECT count(*)::int FROM audit.entry_member m JOIN audit.entry b ON b.id = m.entry_id
               WHERE b.details ->> 'jobId' = ${queued.jobId}) AS stored
        FROM audit.entry WHERE action = 'exchange.person.matched' AND details ->> 'jobId' = ${queued.jobId}`.execute(
      database.db,
    );
    expect(audited[0]).toEqual({ entries: 2, members: 4, stored: 4 });
    // The person's proof: the batch entry is in the signed log and they are in the batch.
    const keys = new StaticKeyStore({}, { 'audit-checkpoint': [new Uint8Array(32).fill(7)] });
    await createCheckpoint(database, await checkpointSigner(keys), { clock });
    const proof = await accessLogEntryProof(database.db, matched[0]!.entryId, {
      subjectKey: subjectKey(ctx.subjectSecret, c.id_number),
    });
    expect(proof?.member?.count).toBe(3);
    expect(verifyAccessLogEntryProof(proof!, await checkpointVerifierKeys(keys))).toBe(true);
    expect((await verifyLog(database, await checkpointVerifierKeys(keys))).ok).toBe(true);
    // Someone registered but not in the file sees nothing of the job.
    const outsider = alive.find((person) => !file.text.includes(person.id_number))!;
    const outsiderLog = await accessLog(database.db, subjectKey(ctx.subjectSecret, outsider.id_number));
    expect(outsiderLog.filter((entry) => entry.action === 'exchange.person.matched')).toEqual([]);
    // The job's records count toward the agency's usage (and so its daily quota).
    const { rows: usage } = await sql<{ count: string | number }>`
      SELECT count FROM exchange.usage WHERE agency_id = ${tax.agencyId} AND operation = 'match'`.execute(
      database.db,
    );
    expect(usage.map((row) => Number(row.count))).toEqual([8]);
  });

  it('without a legal basis releases registry values only to people who consented (NDJSON)', async () => {
    const [a, b] = alive;
    await grantConsent(ctx, b!.id_number, { agencyId: tax.agencyId, purpose: SURVEY.code });
    const ndjson = [a!, b!].map((person) =>
      JSON.stringify({ idNumber: person.id_number, dateOfBirth: '1900-01-01' }),
    );
    const job = await createMatchingJob(ctx, {
      agency: tax,
      purpose: SURVEY.code,
      format: 'ndjson',
      body: body(`${ndjson.join('\n')}\n{"idNumber":1}\n`),
    });
    await matchNextJob(ctx);
    const lines = (await report(tax.agencyId, job.jobId))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({
      line: 1,
      idNumber: a!.id_number,
      status: 'mismatched',
      fields: { dateOfBirth: 'mismatch' },
    });
    expect(lines[1]).toEqual({
      line: 2,
      idNumber: b!.id_number,
      status: 'mismatched',
      fields: { dateOfBirth: 'mismatch' },
      registry: { dateOfBirth: b!.date_of_birth },
    });
    expect(lines[2]).toMatchObject({
      line: 3,
      status: 'malformed',
      detail: 'the value of "idNumber" is not a string',
    });
    // One batch entry for both; the one who consented reads their consent as its legal basis.
    const basis = async (idNumber: string) =>
      (await accessLog(database.db, subjectKey(ctx.subjectSecret, idNumber))).find(
        (entry) => entry.action === 'exchange.person.matched' && entry.details.jobId === job.jobId,
      );
    const [ofA, ofB] = [await basis(a!.id_number), await basis(b!.id_number)];
    expect(ofA?.entryId).toBe(ofB?.entryId);
    expect(ofA?.legalBasis).toBe(VERIFICATION_BASIS_FALLBACK);
    expect(ofB?.legalBasis).toMatch(/^Sự đồng ý của công dân \/ the citizen's consent \(/);
  });

  it('resumes a job interrupted by a crash and ends with the same report, each person audited once', async () => {
    const file = everyStatusFile();
    const clean = await createMatchingJob(ctx, {
      agency: tax,
      purpose: TAX.code,
      format: 'csv',
      body: body(file.text),
    });
    await matchNextJob(ctx, { batchSize: 2 });
    const crashed = await createMatchingJob(ctx, {
      agency: tax,
      purpose: TAX.code,
      format: 'csv',
      body: body(file.text),
    });
    const crash = new Error('process killed');
    await expect(
      matchNextJob(ctx, {
        batchSize: 2,
        afterBatch: (batchNo) => {
          if (batchNo === 1) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect(await getMatchingJob(ctx, tax.agencyId, crashed.jobId)).toMatchObject({
      status: 'matching',
      recordsDone: 4,
    });
    // Another worker finds nothing while the dead process's lease runs …
    expect(await matchNextJob(ctx, { batchSize: 2 })).toBeUndefined();
    // … and takes the job over once it has run out.
    clock.set(new Date(T0.getTime() + 120_000));
    const resumed = await matchNextJob(ctx, { batchSize: 2 });
    clock.set(T0);
    expect(resumed).toMatchObject({ jobId: crashed.jobId, status: 'done', recordsDone: 8 });
    expect(await report(tax.agencyId, crashed.jobId)).toBe(await report(tax.agencyId, clean.jobId));
    const { rows } = await sql<{ n: number; people: number }>`
      SELECT count(*)::int AS n, count(DISTINCT m.subject_key)::int AS people
        FROM audit.entry e JOIN audit.entry_member m ON m.entry_id = e.id
       WHERE e.action = 'exchange.person.matched' AND e.details ->> 'jobId' = ${crashed.jobId}`.execute(
      database.db,
    );
    expect(rows[0]).toEqual({ n: 4, people: 4 });
  });

  it('writes nothing of a batch, report or audit entry, once another worker has taken the job over', async () => {
    const file = everyStatusFile();
    const job = await createMatchingJob(ctx, {
      agency: tax,
      purpose: TAX.code,
      format: 'csv',
      body: body(file.text),
    });
    const taken = await matchNextJob(ctx, {
      batchSize: 3,
      afterBatch: async (batchNo) => {
        // After the first batch, the job passes to another worker (this one's lease ran out).
        if (batchNo === 0)
          await sql`UPDATE exchange.matching_job SET lease_owner = 'worker:other' WHERE job_id = ${job.jobId}`.execute(
            database.db,
          );
      },
    }).catch((error: unknown) => error);
    expect(taken).toMatchObject({ code: 'ERR_CONFLICT' });
    const { rows } = await sql<{ reports: number; entries: number; members: number }>`
      SELECT (SELECT count(*)::int FROM exchange.matching_report r JOIN exchange.matching_job j USING (job_no)
               WHERE j.job_id = ${job.jobId}) AS reports,
             (SELECT count(*)::int FROM audit.entry WHERE details ->> 'jobId' = ${job.jobId}) AS entries,
             (SELECT count(*)::int FROM audit.entry_member m JOIN audit.entry e ON e.id = m.entry_id
               WHERE e.details ->> 'jobId' = ${job.jobId}) AS members`.execute(database.db);
    // Only the first batch (three people found) was written.
    expect(rows[0]).toEqual({ reports: 1, entries: 1, members: 3 });
    expect(await getMatchingJob(ctx, tax.agencyId, job.jobId)).toMatchObject({ recordsDone: 3 });
    // The other worker's lease runs out in turn; the job resumes after the batch written.
    await sql`UPDATE exchange.matching_job SET lease_until = ${new Date(T0.getTime() - 1)}
               WHERE job_id = ${job.jobId}`.execute(database.db);
    expect(await matchNextJob(ctx, { batchSize: 3 })).toMatchObject({ jobId: job.jobId, status: 'done' });
    const { rows: after } = await sql<{ members: number }>`
      SELECT count(*)::int AS members FROM audit.entry_member m JOIN audit.entry e ON e.id = m.entry_id
       WHERE e.details ->> 'jobId' = ${job.jobId}`.execute(database.db);
    expect(after[0]!.members).toBe(4);
  });

  it('keeps jobs to their agency; the report waits for the end', async () => {
    const job = await createMatchingJob(ctx, {
      agency: tax,
      purpose: TAX.code,
      format: 'csv',
      body: body(`idNumber\n${alive[0]!.id_number}\n`),
    });
    expect((await failure(matchingReport(ctx, tax.agencyId, job.jobId))).code).toBe(
      'ERR_EXCHANGE_JOB_NOT_READY',
    );
    expect((await failure(getMatchingJob(ctx, other.agencyId, job.jobId))).code).toBe(
      'ERR_EXCHANGE_JOB_NOT_FOUND',
    );
    await matchNextJob(ctx);
    expect((await failure(matchingReport(ctx, other.agencyId, job.jobId))).code).toBe(
      'ERR_EXCHANGE_JOB_NOT_FOUND',
    );
    expect(await getMatchingJob(ctx, tax.agencyId, job.jobId)).toMatchObject({
      expiresAt: new Date(T0.getTime() + 7 * 86_400_000).toISOString(),
    });
    const admin = await listMatchingJobsForAdmin(ctx, { agencyId: tax.agencyId });
    expect(admin[0]).toEqual({
      jobId: job.jobId,
      agencyId: tax.agencyId,
      purpose: TAX.code,
      status: 'done',
      recordsTotal: 1,
      recordsDone: 1,
      counts: {
        matched: 1,
        mismatched: 0,
        not_found: 0,
        deceased: 0,
        duplicate: 0,
        invalid_id: 0,
        malformed: 0,
      },
      createdAt: T0.toISOString(),
      finishedAt: T0.toISOString(),
    });
  });

  it('deletes reports after the retention period', async () => {
    const job = await createMatchingJob(ctx, {
      agency: tax,
      purpose: TAX.code,
      format: 'csv',
      body: body(`idNumber\n${alive[0]!.id_number}\n`),
    });
    await matchNextJob(ctx);
    expect(await purgeExpiredMatchingJobs(ctx)).toBe(0);
    clock.set(new Date(T0.getTime() + 8 * 86_400_000));
    try {
      expect(await purgeExpiredMatchingJobs(ctx)).toBeGreaterThanOrEqual(1);
      const gone = await failure(matchingReport(ctx, tax.agencyId, job.jobId));
      expect(gone).toMatchObject({ code: 'ERR_EXCHANGE_JOB_NOT_FOUND' });
      expect(gone.detail).toMatch(/retention/);
      // The job's summary (no personal data) stays for the agency and the administrators.
      expect(await getMatchingJob(ctx, tax.agencyId, job.jobId)).toMatchObject({
        status: 'done',
        recordsTotal: 1,
      });
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM exchange.matching_report r JOIN exchange.matching_job j USING (job_no)
         WHERE j.job_id = ${job.jobId}`.execute(database.db);
      expect(rows[0]!.n).toBe(0);
    } finally {
      clock.set(T0);
    }
  });

  it('refuses a bad header at once, and fails a job whose file breaks later', async () => {
    const upload = (text: string | Uint8Array, purpose = TAX.code) =>
      createMatchingJob(ctx, { agency: tax, purpose, format: 'csv', body: body(text) });
    const uploadLater = (header: string, rest: string | Uint8Array) =>
      createMatchingJob(ctx, { agency: tax, purpose: TAX.code, format: 'csv', body: body(header, rest) });
    const before = (await listMatchingJobsForAdmin(ctx, { agencyId: tax.agencyId })).length;
    expect((await failure(upload('idNumber,shoeSize\n'))).detail).toMatch(/unknown column "shoeSize"/);
    expect((await failure(upload('fullName,sex\n'))).detail).toMatch(/idNumber column is missing/);
    expect((await failure(upload('idNumber,sex\n', SURVEY.code))).code).toBe(
      'ERR_EXCHANGE_FIELD_NOT_ALLOWED',
    );
    expect((await failure(upload('idNumber,idNumber\n'))).detail).toMatch(/appears twice/);
    expect((await failure(upload(''))).detail).toMatch(/no header/);
    expect((await failure(upload('idNumber\n', 'not.granted'))).code).toBe('ERR_EXCHANGE_PURPOSE');
    // Nothing was created for a refused header.
    expect(await listMatchingJobsForAdmin(ctx, { agencyId: tax.agencyId })).toHaveLength(before);

    const id = alive[0]!.id_number;
    const broken = await failure(uploadLater('idNumber,fullName\n', `${id},ok\n${id},"never closed\n`));
    expect(broken).toMatchObject({ code: 'ERR_EXCHANGE_FILE_MALFORMED' });
    expect(broken.detail).toMatch(/^line 3: a quoted field is never closed/);
    const badUtf8 = await failure(
      uploadLater('idNumber,fullName\n', new Uint8Array([...bytes(`${id},`), 0xff, 0x0a])),
    );
    expect(badUtf8.detail).toMatch(/^line 2: the file is not valid UTF-8/);
    const tooLong = await failure(
      createMatchingJob(
        ctx,
        {
          agency: tax,
          purpose: TAX.code,
          format: 'csv',
          body: body(`idNumber,fullName\n${id},`, 'x'.repeat(5000)),
        },
        { maxRecordLength: 1000 },
      ),
    );
    expect(tooLong.detail).toMatch(/^line 2: the record is longer than 1,000 characters/);
    const failed = (await listMatchingJobsForAdmin(ctx, { agencyId: tax.agencyId, status: 'failed' })).slice(
      0,
      3,
    );
    expect(failed.map((job) => job.status)).toEqual(['failed', 'failed', 'failed']);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'exchange' AND tablename LIKE 'matching_input_%'`.execute(
      database.db,
    );
    expect(rows[0]!.n).toBe(0);
  });
});
