import { readFile } from 'node:fs/promises';
import { csvRow, type Database, parseCsv } from '@dinhdanh/db';

const dataDir = new URL('../../data/', import.meta.url);
const read = async (name: string) => parseCsv(await readFile(new URL(name, dataDir), 'utf8'));

/** Before the reform the start of validity is not in the data; this marks "in force before records began". */
export const PRE2025_VALID_FROM = '1900-01-01';
export const REFORM_DATE = '2025-07-01';

const unitColumns = [
  'scheme',
  'level',
  'code',
  'valid_from',
  'valid_to',
  'name',
  'full_name',
  'type_code',
  'name_en',
  'parent_code',
  'province_code',
  'legal_basis',
] as const;

/**
 * Loads the administrative-unit reference data (2025 provinces and communes, pre-2025
 * provinces, districts and wards, the old→new mapping, later changes, the ID-number province
 * table) in one transaction. Does nothing when the data is already there.
 */
export async function loadAdminUnits(database: Database): Promise<{ loaded: boolean; units: number }> {
  const [provinces, communes, oldProvinces, districts, wards, mapping, changes, idCodes] = await Promise.all([
    read('admin-units/provinces-2025.csv'),
    read('admin-units/communes-2025.csv'),
    read('admin-units/provinces-pre2025.csv'),
    read('admin-units/districts-pre2025.csv'),
    read('admin-units/wards-pre2025.csv'),
    read('admin-units/old-to-new-2025.csv'),
    read('admin-units/changes-2026-04-30.csv'),
    read('id-province-codes.csv'),
  ]);
  return database.bulk(async (session) => {
    const [existing] = await session.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM registry.admin_unit',
    );
    if ((existing?.n ?? 0) > 0) return { loaded: false, units: existing?.n ?? 0 };

    const rows: string[] = [];
    const unit = (values: Record<(typeof unitColumns)[number], string | null>) =>
      rows.push(csvRow(unitColumns.map((column) => values[column])));
    const changed = new Map(changes.map((change) => [`${change.level}:${change.code}`, change]));

    const add2025 = (level: 'province' | 'commune', row: Record<string, string>, parent: string | null) => {
      const change = changed.get(`${level}:${row.code}`);
      const base = {
        scheme: '2025',
        level,
        code: row.code ?? '',
        name: row.name ?? '',
        name_en: row.name_en || null,
        parent_code: parent,
        province_code: level === 'province' ? (row.code ?? '') : (row.province_code ?? ''),
      };
      if (!change) {
        unit({
          ...base,
          valid_from: REFORM_DATE,
          valid_to: null,
          full_name: row.full_name ?? '',
          type_code: row.type_code ?? '',
          legal_basis: '19/2025/QĐ-TTg',
        });
        return;
      }
      unit({
        ...base,
        valid_from: REFORM_DATE,
        valid_to: change.effective_date ?? null,
        full_name: change.old_full_name ?? '',
        type_code: change.old_type_code ?? '',
        legal_basis: '19/2025/QĐ-TTg',
      });
      unit({
        ...base,
        valid_from: change.effective_date ?? '',
        valid_to: null,
        full_name: change.new_full_name ?? '',
        type_code: change.new_type_code ?? '',
        legal_basis: change.legal_basis ?? null,
      });
    };
    for (const row of provinces) add2025('province', row, null);
    for (const row of communes) add2025('commune', row, row.province_code ?? null);

    const addOld = (
      level: 'province' | 'district' | 'commune',
      row: Record<string, string>,
      parent: string | null,
    ) =>
      unit({
        scheme: 'pre2025',
        level,
        code: row.code ?? '',
        valid_from: PRE2025_VALID_FROM,
        valid_to: REFORM_DATE,
        name: row.name ?? '',
        full_name: row.full_name ?? '',
        type_code: row.type_code ?? '',
        name_en: row.name_en || null,
        parent_code: parent,
        province_code: level === 'province' ? (row.code ?? '') : (row.province_code ?? ''),
        legal_basis: null,
      });
    for (const row of oldProvinces) addOld('province', row, null);
    for (const row of districts) addOld('district', row, row.province_code ?? null);
    for (const row of wards) addOld('commune', row, row.district_code ?? null);
    await session.copy('registry.admin_unit', unitColumns, rows);

    await session.copy(
      'registry.admin_unit_mapping',
      [
        'old_level',
        'old_code',
        'old_province_code',
        'new_code',
        'new_province_code',
        'kind',
        'note',
        'source',
      ],
      mapping.map((row) =>
        csvRow([
          row.old_level,
          row.old_code,
          row.old_province_code,
          row.new_code,
          row.new_province_code,
          row.kind,
          row.note_vi || null,
          row.source,
        ]),
      ),
    );
    await session.copy(
      'registry.id_province_code',
      ['code', 'name', 'old_province_code'],
      idCodes.map((row) => csvRow([row.code, row.name, (row.code ?? '').slice(1)])),
    );
    return { loaded: true, units: rows.length };
  });
}
