import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { appendAuditEntry } from '@dinhdanh/audit';
import { csvRow } from '@dinhdanh/db';
import { AppError } from '@dinhdanh/kernel';
import {
  auditedRead,
  getPerson,
  getPersonAsOf,
  type Person,
  recordAccess,
  searchPeople,
  streamPeople,
} from '@dinhdanh/registry';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { cliAccessor, withPlatform } from '../context.ts';
import { positiveInt, printJson, usageError } from '../output.ts';
import { progressBar } from '../progress.ts';

const sexLabel = { male: 'Nam', female: 'Nữ' } as const;

/** dd/mm/yyyy, as Vietnamese documents print dates. */
const vnDate = (iso: string | null) => (iso ? iso.split('-').reverse().join('/') : '');

function printPerson(person: Person): void {
  const lines: [string, string | null][] = [
    ['Số định danh / ID number', person.idNumber],
    ['Họ và tên / Full name', person.fullName],
    ['Ngày sinh / Date of birth', vnDate(person.dateOfBirth)],
    ['Giới tính / Sex', sexLabel[person.sex]],
    ['Dân tộc / Ethnicity', person.ethnicity],
    ['Tôn giáo / Religion', person.religion],
    ['Quốc tịch / Nationality', person.nationality],
    ['Quê quán / Place of origin', person.placeOfOrigin],
    ['Thường trú / Permanent residence', person.permanentAddress?.text ?? null],
    ['Hộ / Household', person.householdId ? `${person.householdId} (${person.relationToHead ?? ''})` : null],
    ['Cha / Father', person.fatherIdNumber],
    ['Mẹ / Mother', person.motherIdNumber],
    ['Vợ/chồng / Spouse', person.spouseIdNumber],
    ['Tình trạng hôn nhân / Marital status', person.maritalStatus],
    ['Ngày mất / Date of death', person.dateOfDeath ? vnDate(person.dateOfDeath) : null],
  ];
  for (const [label, value] of lines) if (value) process.stdout.write(`${label.padEnd(38)} ${value}\n`);
}

const IsoDateRe = /^\d{4}-\d{2}-\d{2}$/;

export function registerPersonCommands(program: Command): void {
  const person = program.command('person').description('Read the population register');

  person
    .command('show <idNumber>')
    .description('Show a person by ID number')
    .option('--as-of <date>', 'state on a past date (YYYY-MM-DD)')
    .option('--json', 'print JSON (stable field names)')
    .action(async (idNumber: string, options: { json?: boolean; asOf?: string }) => {
      if (options.asOf && !IsoDateRe.test(options.asOf)) usageError('--as-of must be YYYY-MM-DD');
      await withPlatform(async (_platform, ctx) => {
        const found = await auditedRead(
          ctx,
          cliAccessor('Tra cứu qua dòng lệnh / CLI lookup'),
          'registry.person.read',
          (scoped) =>
            options.asOf ? getPersonAsOf(scoped, idNumber, options.asOf) : getPerson(scoped, idNumber),
          (p) => [p.idNumber],
        );
        if (options.json) printJson(found);
        else printPerson(found);
      });
    });

  person
    .command('search')
    .description('Search by name and date of birth')
    .requiredOption('--name <name>', 'full name (diacritics and case are ignored)')
    .option('--dob <date>', 'date of birth YYYY-MM-DD')
    .option('--province <code>', '2025 province code (2 digits)')
    .option('--limit <n>', 'maximum results', '50')
    .option('--json', 'print JSON')
    .action(
      async (options: { name: string; dob?: string; province?: string; limit?: string; json?: boolean }) => {
        if (options.dob && !IsoDateRe.test(options.dob)) usageError('--dob must be YYYY-MM-DD');
        await withPlatform(async (_platform, ctx) => {
          const query = {
            fullName: options.name,
            dateOfBirth: options.dob,
            provinceCode: options.province,
            limit: positiveInt('limit', options.limit, 50),
          };
          const items = await auditedRead(
            ctx,
            cliAccessor('Tra cứu qua dòng lệnh / CLI search'),
            'registry.person.search_result',
            (scoped) => searchPeople(scoped, query),
            (found) => found.map((p) => p.idNumber),
          );
          if (options.json) return printJson({ items });
          for (const item of items)
            process.stdout.write(
              `${item.idNumber}  ${item.fullName.padEnd(28)} ${vnDate(item.dateOfBirth)}  ${sexLabel[item.sex]}  ${item.permanentAddress?.text ?? ''}\n`,
            );
          if (items.length === 0) process.stderr.write('Không tìm thấy / No match\n');
        });
      },
    );

  person
    .command('list')
    .description('List people in ID-number order')
    .option('--province <code>', '2025 province code (2 digits)')
    .option('--limit <n>', 'maximum rows', '20')
    .option('--json', 'print JSON')
    .action(async (options: { province?: string; limit?: string; json?: boolean }) => {
      await withPlatform(async (_platform, ctx) => {
        if (options.province && !ctx.units.find('2025', 'province', options.province))
          throw new AppError('ERR_ADMIN_UNIT_UNKNOWN', `no 2025 province with code ${options.province}`);
        const items: Person[] = [];
        for await (const p of streamPeople(ctx, {
          provinceCode: options.province,
          limit: positiveInt('limit', options.limit, 20),
        }))
          items.push(p);
        await recordAccess(
          ctx.db,
          ctx,
          cliAccessor('Liệt kê qua dòng lệnh / CLI list'),
          'registry.person.list_result',
          items.map((p) => p.idNumber),
        );
        if (options.json) return printJson({ items });
        for (const item of items)
          process.stdout.write(
            `${item.idNumber}  ${item.fullName.padEnd(28)} ${vnDate(item.dateOfBirth)}  ${item.permanentAddress?.text ?? ''}\n`,
          );
      });
    });

  person
    .command('export')
    .description('Stream every person as NDJSON or CSV (backups, agencies’ reference copies)')
    .option('--format <format>', 'ndjson or csv', 'ndjson')
    .option('--province <code>', '2025 province code (2 digits)')
    .option('--out <file>', 'output file (default: stdout)')
    .action(async (options: { format: string; province?: string; out?: string }) => {
      if (options.format !== 'ndjson' && options.format !== 'csv')
        usageError('--format must be ndjson or csv');
      await withPlatform(async (platform, ctx) => {
        const out = options.out ? createWriteStream(options.out) : process.stdout;
        const { rows } = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM registry.person
          WHERE ${options.province ?? null}::text IS NULL OR permanent_province_code = ${options.province ?? null}`.execute(
          platform.database.db,
        );
        const total = rows[0]?.n ?? 0;
        const bar = options.out ? progressBar('export', total, 'people') : undefined;
        const write = async (text: string) => {
          if (!out.write(text)) await once(out, 'drain');
        };
        if (options.format === 'csv') await write(csvRow(csvColumns));
        let done = 0;
        for await (const p of streamPeople(ctx, { provinceCode: options.province, pageSize: 5000 })) {
          await write(options.format === 'csv' ? csvRow(csvValues(p)) : `${JSON.stringify(p)}\n`);
          if (++done % 5000 === 0) bar?.update(done);
        }
        bar?.update(done);
        bar?.stop();
        // A bulk export is one entry for the whole copy: who took it, how many people, which province.
        await appendAuditEntry(platform.database.db, {
          actor: { kind: 'system', id: cliAccessor('').id },
          action: 'registry.people.exported',
          purpose: 'Sao lưu / trích xuất dữ liệu — backup or reference copy',
          legalBasis: cliAccessor('').legalBasis,
          details: { count: done, format: options.format, province: options.province ?? null },
        });
        if (out !== process.stdout) {
          out.end();
          await once(out, 'finish');
        }
      });
    });
}

const csvColumns = [
  'idNumber',
  'oldIdNumber',
  'fullName',
  'dateOfBirth',
  'sex',
  'ethnicity',
  'religion',
  'nationality',
  'placeOfOrigin',
  'permanentCommuneCode',
  'permanentProvinceCode',
  'permanentAddress',
  'householdId',
  'relationToHead',
  'fatherIdNumber',
  'motherIdNumber',
  'spouseIdNumber',
  'maritalStatus',
  'dateOfDeath',
];

function csvValues(p: Person): unknown[] {
  return [
    p.idNumber,
    p.oldIdNumber,
    p.fullName,
    p.dateOfBirth,
    p.sex,
    p.ethnicity,
    p.religion,
    p.nationality,
    p.placeOfOrigin,
    p.permanentAddress?.communeCode,
    p.permanentAddress?.provinceCode,
    p.permanentAddress?.text,
    p.householdId,
    p.relationToHead,
    p.fatherIdNumber,
    p.motherIdNumber,
    p.spouseIdNumber,
    p.maritalStatus,
    p.dateOfDeath,
  ];
}
