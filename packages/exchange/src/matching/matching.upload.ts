// Receiving a file: records streamed in, checked, and staged with COPY in batches — the file is
// never held whole, only the ID numbers seen so far (for duplicates, 16 bytes each).
import { randomBytes } from 'node:crypto';
import { csvRow } from '@dinhdanh/db';
import { AppError, isAppError } from '@dinhdanh/kernel';
import { decodeIdNumber } from '@dinhdanh/registry';
import type { Agency } from '../agency/agency.schema.ts';
import { purposeOf } from '../auth/purpose.ts';
import { ComparableField } from '../compare/field-compare.ts';
import { assertFieldsAllowed } from '../people/people.service.ts';
import { IdLineMap } from './id-line-map.ts';
import {
  copyInput,
  createInputTable,
  findJobRowByNo,
  insertJob,
  jobFromRow,
  markFailed,
  markQueued,
  recordUploadProgress,
} from './matching.repository.ts';
import type { MatchingFormat, MatchingJob } from './matching.schema.ts';
import { type MatchingContext, type MatchingSettings, resolveSettings } from './matching.settings.ts';
import { type CsvRecord, csvRecords, type NdjsonLine, ndjsonLines } from './record-reader.ts';

export interface UploadInput {
  agency: Agency;
  purpose: string;
  format: MatchingFormat;
  body: AsyncIterable<Uint8Array>;
}

const fileError = (detail: string) => new AppError('ERR_EXCHANGE_FILE_MALFORMED', detail);

/** Staged values of one record: [line, idNumber, given, outcome, detail, ...fields]. */
type StagedRow = (string | number | null)[];

/** The file's columns: where the ID number is and which comparable fields follow. */
interface Layout {
  names: string[];
  fields: ComparableField[];
}

function layoutOf(names: readonly string[]): Layout {
  const seen = new Set<string>();
  const fields: ComparableField[] = [];
  for (const name of names) {
    if (seen.has(name)) throw fileError(`the column "${name.slice(0, 60)}" appears twice`);
    seen.add(name);
    if (name === 'idNumber') continue;
    const field = ComparableField.safeParse(name);
    if (!field.success)
      throw fileError(
        `unknown column "${name.slice(0, 60)}"; columns are idNumber and any of ${ComparableField.options.join(', ')}`,
      );
    fields.push(field.data);
  }
  if (!seen.has('idNumber')) throw fileError('the idNumber column is missing');
  return { names: [...names], fields };
}

/** Keeps given text short enough for a report cell; the agency has the rest. */
const clip = (value: string) => (value.length > 40 ? `${value.slice(0, 40)}…` : value);

/**
 * Creates a matching job from an uploaded file and stages its records; returns the job queued
 * for matching. The header (CSV) or first record (NDJSON) is checked before any job exists: an
 * unknown column, no idNumber, or a field outside the purpose's policy is refused at once. A
 * file that breaks later (invalid UTF-8, an over-long or unterminated record, too many records)
 * fails the job, whose staged records are then dropped.
 */
export async function createMatchingJob(
  ctx: MatchingContext,
  input: UploadInput,
  overrides: Partial<MatchingSettings> = {},
): Promise<MatchingJob> {
  const settings = resolveSettings(overrides);
  const purpose = purposeOf({ agency: input.agency, scopes: [] }, input.purpose);
  const batches: AsyncIterator<CsvRecord[] | NdjsonLine[]> =
    input.format === 'csv'
      ? csvRecords(input.body, { maxRecordLength: settings.maxRecordLength })
      : ndjsonLines(input.body, { maxRecordLength: settings.maxRecordLength });
  const first = await batches.next();
  if (first.done || first.value.length === 0)
    throw fileError(input.format === 'csv' ? 'the file has no header line' : 'the file has no record');

  // The layout: CSV from its header; NDJSON from its first record's keys.
  let pending: (CsvRecord | NdjsonLine)[];
  let layout: Layout;
  if (input.format === 'csv') {
    const [header, ...rest] = first.value as CsvRecord[];
    if (header!.problem)
      throw fileError(`line ${header!.line}: the header is malformed (${header!.problem})`);
    layout = layoutOf(header!.fields.map((name) => name.trim()));
    pending = rest;
  } else {
    const [head] = first.value as NdjsonLine[];
    let object: unknown;
    try {
      object = JSON.parse(head!.text);
    } catch {
      throw fileError(`line ${head!.line}: the first record is not valid JSON`);
    }
    if (!object || typeof object !== 'object' || Array.isArray(object))
      throw fileError(`line ${head!.line}: the first record is not a JSON object`);
    layout = layoutOf(Object.keys(object));
    pending = first.value;
  }
  assertFieldsAllowed(purpose, layout.fields);

  const now = ctx.clock.now();
  const owner = `upload:${randomBytes(9).toString('base64url')}`;
  const jobId = `mj_${randomBytes(15).toString('base64url')}`;
  const leaseUntil = () => new Date(ctx.clock.now().getTime() + settings.leaseMs);
  const jobNo = await ctx.db.transaction().execute(async (trx) => {
    const no = await insertJob(trx, {
      jobId,
      agencyId: input.agency.agencyId,
      purpose: purpose.code,
      format: input.format,
      fields: layout.fields,
      owner,
      leaseUntil: leaseUntil(),
      now,
    });
    await createInputTable(trx, no, layout.fields);
    return no;
  });

  let records = 0;
  const heartbeat = setInterval(
    () => void recordUploadProgress(ctx.db, jobNo, owner, records, leaseUntil()).catch(() => {}),
    Math.max(1000, settings.leaseMs / 3),
  );
  heartbeat.unref();
  // One COPY in flight while the next batch is parsed: the two cores work at once.
  let copying: Promise<void> = Promise.resolve();
  try {
    const stage = new Stager(layout, input.format, ctx.clock.now());
    let csv = '';
    let rowsInCsv = 0;
    const flush = async () => {
      await copying;
      if (rowsInCsv === 0) return;
      const staged = records;
      copying = copyInput(ctx.database, jobNo, layout.fields, csv).then(() =>
        recordUploadProgress(ctx.db, jobNo, owner, staged, leaseUntil()),
      );
      // Awaited at the next flush; until then a failure must not count as unhandled.
      copying.catch(() => {});
      csv = '';
      rowsInCsv = 0;
    };
    for (;;) {
      for (const record of pending) {
        records++;
        if (records > settings.maxRecords)
          throw fileError(
            `the file has more than ${settings.maxRecords.toLocaleString('en')} records; split it into several jobs`,
          );
        csv += csvRow(stage.row(record));
        if (++rowsInCsv >= settings.uploadBatch || csv.length >= 8 * 1024 * 1024) await flush();
      }
      const next = await batches.next();
      if (next.done) break;
      pending = next.value;
    }
    await flush();
    await copying;
    await ctx.database.exec(`ANALYZE exchange.matching_input_${jobNo}`);
    if (!(await markQueued(ctx.db, jobNo, owner, records, ctx.clock.now())))
      throw new AppError('ERR_CONFLICT', 'the upload was taken over as interrupted');
  } catch (error) {
    clearInterval(heartbeat);
    await copying.catch(() => {});
    const known = isAppError(error)
      ? error
      : new AppError('ERR_EXCHANGE_FILE_MALFORMED', 'the upload was interrupted', undefined, {
          cause: error,
        });
    await markFailed(
      ctx.db,
      jobNo,
      { code: known.code, detail: known.detail ?? null },
      ctx.clock.now(),
      settings.retentionMs,
    ).catch((cleanup) => ctx.logger.error({ err: cleanup, jobId }, 'could not mark a failed upload'));
    await batches.return?.(undefined).catch(() => {});
    throw known;
  }
  clearInterval(heartbeat);
  // Read before waking the worker: the answer is the job as queued.
  const queued = jobFromRow((await findJobRowByNo(ctx.db, jobNo))!);
  settings.onQueued?.(jobId);
  return queued;
}

/** Classifies records as they come: malformed, invalid ID, duplicate, or a candidate to match. */
class Stager {
  readonly #layout: Layout;
  readonly #format: MatchingFormat;
  readonly #today: Date;
  readonly #ids = new IdLineMap();
  readonly #idIndex: number;
  readonly #fieldIndex: number[];
  readonly #names: Set<string>;

  constructor(layout: Layout, format: MatchingFormat, today: Date) {
    this.#layout = layout;
    this.#format = format;
    this.#today = today;
    this.#idIndex = layout.names.indexOf('idNumber');
    this.#fieldIndex = layout.fields.map((field) => layout.names.indexOf(field));
    this.#names = new Set(layout.names);
  }

  row(record: CsvRecord | NdjsonLine): StagedRow {
    const values =
      this.#format === 'csv' ? this.#csvValues(record as CsvRecord) : this.#jsonValues(record as NdjsonLine);
    if (typeof values === 'string') {
      const given = this.#format === 'csv' ? (record as CsvRecord).fields[this.#idIndex] : undefined;
      return this.#outcome(record.line, given ?? null, 'malformed', values);
    }
    const given = (values[this.#idIndex] ?? '').trim();
    const decoded = decodeIdNumber(given, this.#today);
    if (!decoded.ok) return this.#outcome(record.line, given, 'invalid_id', decoded.problem.reason);
    const first = this.#ids.firstLine(Number(given), record.line);
    if (first !== undefined)
      return this.#outcome(record.line, given, 'duplicate', `duplicate of line ${first}`);
    const row: StagedRow = [record.line, given, null, null, null];
    for (const index of this.#fieldIndex) {
      const value = values[index];
      row.push(value === undefined || value.trim() === '' ? null : value);
    }
    return row;
  }

  #outcome(line: number, given: string | null, outcome: string, detail: string): StagedRow {
    const row: StagedRow = [line, null, given === null || given === '' ? null : clip(given), outcome, detail];
    for (let i = 0; i < this.#fieldIndex.length; i++) row.push(null);
    return row;
  }

  /** The record's values in header order, or why it is malformed. */
  #csvValues(record: CsvRecord): string[] | string {
    if (record.problem) return record.problem;
    if (record.fields.length !== this.#layout.names.length)
      return `expected ${this.#layout.names.length} fields, found ${record.fields.length}`;
    return record.fields;
  }

  #jsonValues(record: NdjsonLine): string[] | string {
    let object: unknown;
    try {
      object = JSON.parse(record.text);
    } catch {
      return 'not valid JSON';
    }
    if (!object || typeof object !== 'object' || Array.isArray(object)) return 'not a JSON object';
    const values: string[] = [];
    for (const [key, value] of Object.entries(object)) {
      if (!this.#names.has(key)) return `the field "${clip(key)}" is not in the first record`;
      if (value !== null && typeof value !== 'string') return `the value of "${clip(key)}" is not a string`;
    }
    for (const name of this.#layout.names) {
      const value = (object as Record<string, unknown>)[name];
      values.push(typeof value === 'string' ? value : '');
    }
    return values;
  }
}
