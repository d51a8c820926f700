import { readFile } from 'node:fs/promises';
import { type BulkSession, csvRow, type Database, parseCsv } from '@dinhdanh/db';
import type { AdminUnit } from './admin-units.ts';

const dataDir = new URL('../../data/', import.meta.url);
const read = async (name: string) => parseCsv(await readFile(new URL(name, dataDir), 'utf8'));

/** Before the reform the start of validity is not in the data; this marks "in force before records began". */
export const PRE2025_VALID_FROM = '1900-01-01';
export const REFORM_DATE = '2025-07-01';

export interface UnitVersion extends AdminUnit {
  legalBasis: string | null;
}

export interface ReferenceData {
  units: UnitVersion[];
  mapping: {
    oldLevel: string;
    oldCode: string;
    oldProvinceCode: string;
    newCode: string;
    newProvinceCode: string;
    kind: string;
    note: string | null;
    source: string;
  }[];
  idCodes: { code: string; name: string; oldProvinceCode: string }[];
}

/**
 * Reads the administrative-unit reference data shipped with the package: 2025 provinces and
 * communes (with later changes as new versions), pre-2025 provinces, districts and wards, the
 * old→new mapping and the ID-number province table.
 */
export async function readReferenceData(): Promise<ReferenceData> {
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
  const units: UnitVersion[] = [];
  const changed = new Map(changes.map((change) => [`${change.level}:${change.code}`, change]));

  const add2025 = (level: 'province' | 'commune', row: Record<string, string>) => {
    const change = changed.get(`${level}:${row.code}`);
    const base = {
      scheme: '2025' as const,
      level,
      code: row.code ?? '',
      name: row.name ?? '',
      nameEn: row.name_en || null,
      parentCode: level === 'province' ? null : (row.province_code ?? null),
      provinceCode: level === 'province' ? (row.code ?? '') : (row.province_code ?? ''),
    };
    const original = {
      fullName: row.full_name ?? '',
      typeCode: row.type_code ?? '',
      legalBasis: '19/2025/QĐ-TTg',
    };
    if (!change) {
      units.push({ ...base, ...original, validFrom: REFORM_DATE, validTo: null });
      return;
    }
    units.push({
      ...base,
      ...original,
      fullName: change.old_full_name ?? original.fullName,
      typeCode: change.old_type_code ?? original.typeCode,
      validFrom: REFORM_DATE,
      validTo: change.effective_date ?? null,
    });
    units.push({
      ...base,
      fullName: change.new_full_name ?? '',
      typeCode: change.new_type_code ?? '',
      legalBasis: change.legal_basis ?? null,
      validFrom: change.effective_date ?? '',
      validTo: null,
    });
  };
  for (const row of provinces) add2025('province', row);
  for (const row of communes) add2025('commune', row);

  const addOld = (
    level: 'province' | 'district' | 'commune',
    row: Record<string, string>,
    parent: string | null,
  ) =>
    units.push({
      scheme: 'pre2025',
      level,
      code: row.code ?? '',
      validFrom: PRE2025_VALID_FROM,
      validTo: REFORM_DATE,
      name: row.name ?? '',
      fullName: row.full_name ?? '',
      typeCode: row.type_code ?? '',
      nameEn: row.name_en || null,
      parentCode: parent,
      provinceCode: level === 'province' ? (row.code ?? '') : (row.province_code ?? ''),
      legalBasis: null,
    });
  for (const row of oldProvinces) addOld('province', row, null);
  for (const row of districts) addOld('district', row, row.province_code ?? null);
  for (const row of wards) addOld('commune', row, row.district_code ?? null);

  return {
    units,
    mapping: mapping.map((row) => ({
      oldLevel: row.old_level ?? '',
      oldCode: row.old_code ?? '',
      oldProvinceCode: row.old_province_code ?? '',
      newCode: row.new_code ?? '',
      newProvinceCode: row.new_province_code ?? '',
      kind: row.kind ?? '',
      note: row.note_vi || null,
      source: row.source ?? '',
    })),
    idCodes: idCodes.map((row) => ({
      code: row.code ?? '',
      name: row.name ?? '',
      oldProvinceCode: (row.code ?? '').slice(1),
    })),
  };
}

/** Loads the reference data into the database in one transaction. Does nothing when it is already there. */
export async function loadAdminUnits(database: Database): Promise<{ loaded: boolean; units: number }> {
  const count = async (session: BulkSession) =>
    (await session.query<{ n: number }>('SELECT count(*)::int AS n FROM registry.admin_unit'))[0]?.n ?? 0;
  // Every start calls this; the files are parsed only while the table is still empty.
  const present = await database.bulk(count);
  if (present > 0) return { loaded: false, units: present };
  const data = await readReferenceData();
  return database.bulk(async (session) => {
    // Two processes starting together must not both load.
    await session.query('LOCK TABLE registry.admin_unit IN EXCLUSIVE MODE');
    const existing = await count(session);
    if (existing > 0) return { loaded: false, units: existing };
    await session.copy(
      'registry.admin_unit',
      [
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
      ],
      data.units.map((u) =>
        csvRow([
          u.scheme,
          u.level,
          u.code,
          u.validFrom,
          u.validTo,
          u.name,
          u.fullName,
          u.typeCode,
          u.nameEn,
          u.parentCode,
          u.provinceCode,
          u.legalBasis,
        ]),
      ),
    );
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
      data.mapping.map((m) =>
        csvRow([
          m.oldLevel,
          m.oldCode,
          m.oldProvinceCode,
          m.newCode,
          m.newProvinceCode,
          m.kind,
          m.note,
          m.source,
        ]),
      ),
    );
    await session.copy(
      'registry.id_province_code',
      ['code', 'name', 'old_province_code'],
      data.idCodes.map((c) => csvRow([c.code, c.name, c.oldProvinceCode])),
    );
    return { loaded: true, units: data.units.length };
  });
}
