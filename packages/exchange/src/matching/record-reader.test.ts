import { randomBytes } from 'node:crypto';
import { subjectKey } from '@dinhdanh/audit';
import { AppError } from '@dinhdanh/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdLineMap } from './id-line-map.ts';
import { subjectKeyer } from './matching-audit.ts';
import { csvRecords, ndjsonLines } from './record-reader.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

async function* chunks(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

/** The input split at the given byte offsets (possibly inside a multi-byte character). */
function split(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (data.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    parts.push(data.subarray(start, point));
    start = point;
  }
  parts.push(data.subarray(start));
  return parts;
}

async function readCsv(text: string | Uint8Array, cuts: readonly number[] = [], maxRecordLength?: number) {
  const data = typeof text === 'string' ? bytes(text) : text;
  const records = [];
  for await (const batch of csvRecords(chunks(split(data, cuts)), maxRecordLength ? { maxRecordLength } : {}))
    records.push(...batch);
  return records;
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const encodeField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

describe('CSV records (RFC 4180)', () => {
  it('reads quoted fields with commas, line breaks and doubled quotes, CRLF, a BOM and blank lines', async () => {
    const text = '\uFEFFidNumber,fullName\r\n001,"Nguyễn, Văn ""An"""\r\n\r\n002,"two\nlines"\n003,plain';
    const records = await readCsv(text);
    expect(records).toEqual([
      { line: 1, fields: ['idNumber', 'fullName'] },
      { line: 2, fields: ['001', 'Nguyễn, Văn "An"'] },
      { line: 4, fields: ['002', 'two\nlines'] },
      { line: 6, fields: ['003', 'plain'] },
    ]);
  });

  it('marks a stray quote as a problem of its record only', async () => {
    const records = await readCsv('a,b\n1,x"y\n2,"z"w\n3,ok\n');
    expect(records.map((record) => record.problem)).toEqual([
      undefined,
      'a double quote inside an unquoted field',
      'characters after a closing quote',
      undefined,
    ]);
    expect(records[3]).toEqual({ line: 4, fields: ['3', 'ok'] });
  });

  it('fails the file on a quote never closed, naming the line', async () => {
    const error = await failure(readCsv('a,b\n1,ok\n2,"never closed\n3,x\n'));
    expect(error.code).toBe('ERR_EXCHANGE_FILE_MALFORMED');
    expect(error.detail).toMatch(/^line 3: a quoted field is never closed/);
  });

  it('fails fast on an endless line, without reading it whole', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield bytes('idNumber,fullName\n001,');
      const block = new Uint8Array(64 * 1024).fill(0x61);
      // Stands for a 2 GB line: the reader must give up long before.
      for (let i = 0; i < 32_768; i++) {
        pulled++;
        yield block;
      }
    }
    const error = await failure(
      (async () => {
        for await (const _batch of csvRecords(endless(), { maxRecordLength: 65_536 }));
      })(),
    );
    expect(error.detail).toMatch(/^line 2: the record is longer than 65,536 characters/);
    expect(pulled).toBeLessThanOrEqual(2);
  });

  it('fails an endless quoted field the same way', async () => {
    const error = await failure(readCsv(`a\n"${'x\n'.repeat(50_000)}`, [], 1000));
    expect(error.detail).toMatch(/^line 2: the record is longer than 1,000 characters/);
  });

  it('refuses invalid UTF-8 with its line number', async () => {
    const data = new Uint8Array([...bytes('a,b\n1,ok\n2,'), 0xc3, 0x28, ...bytes('\n3,x\n')]);
    const error = await failure(readCsv(data, [5]));
    expect(error.code).toBe('ERR_EXCHANGE_FILE_MALFORMED');
    expect(error.detail).toMatch(/^line 3: the file is not valid UTF-8/);
  });

  it('round-trips any rows, whatever the chunk boundaries (property)', async () => {
    const field = fc.string({
      unit: fc.constantFrom('a', 'Đ', 'ễ', ',', '"', '\n', '\r\n', ' ', '😀'),
      maxLength: 8,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(field, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(400), { maxLength: 6 }),
        fc.boolean(),
        async (rows, cuts, crlf) => {
          // A record of one empty field is a blank line, which the reader skips: keep two fields.
          const text = rows.map((row) => row.map(encodeField).join(',')).join(crlf ? '\r\n' : '\n');
          const records = await readCsv(text, cuts);
          expect(records.map((record) => record.fields)).toEqual(rows);
          expect(records.every((record) => record.problem === undefined)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('NDJSON lines', () => {
  it('yields non-blank lines with their numbers and bounds their length', async () => {
    const lines = [];
    for await (const batch of ndjsonLines(chunks(split(bytes('{"a":"1"}\n\n  {"a":"2"}\r\n{"a"'), [3, 11]))))
      lines.push(...batch);
    expect(lines).toEqual([
      { line: 1, text: '{"a":"1"}' },
      { line: 3, text: '{"a":"2"}' },
      { line: 4, text: '{"a"' },
    ]);
    const error = await failure(
      (async () => {
        for await (const _batch of ndjsonLines(chunks([bytes(`{"a":"${'x'.repeat(2000)}"}\n`)]), {
          maxRecordLength: 1000,
        }));
      })(),
    );
    expect(error.detail).toMatch(/^line 1: the record is longer/);
  });
});

describe('helpers', () => {
  it('IdLineMap remembers the first line of each ID across growth', () => {
    const map = new IdLineMap(4);
    for (let i = 0; i < 5000; i++) expect(map.firstLine(100_000_000_000 + i * 7919, i + 2)).toBeUndefined();
    expect(map.size).toBe(5000);
    expect(map.firstLine(100_000_000_000 + 10 * 7919, 99_999)).toBe(12);
    expect(map.firstLine(999_999_999_999, 5)).toBeUndefined();
  });

  it("subjectKeyer gives the audit package's subject key", () => {
    const secret = randomBytes(32);
    const key = subjectKeyer(secret);
    for (const id of ['001090000001', '087084000999']) expect(key(id)).toBe(subjectKey(secret, id));
    expect(() => key('12345')).toThrow(TypeError);
  });
});
