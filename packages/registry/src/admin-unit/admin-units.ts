import type { Db } from '@dinhdanh/db';
import { AppError } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import type { Address, AddressInput } from '../person/person.schema.ts';

export interface AdminUnit {
  scheme: '2025' | 'pre2025';
  level: 'province' | 'district' | 'commune';
  code: string;
  name: string;
  fullName: string;
  typeCode: string;
  nameEn: string | null;
  parentCode: string | null;
  provinceCode: string;
  validFrom: string;
  validTo: string | null;
}

/**
 * The administrative-unit table held in memory: a few thousand rows that every address read
 * needs. Versions are kept so that a name can be resolved as of a date.
 */
export class AdminUnits {
  readonly #versions = new Map<string, AdminUnit[]>();
  /** 2025 commune → the pre-2025 provinces of its predecessor wards (for ID-number province codes). */
  readonly #predecessorProvinces = new Map<string, string[]>();

  constructor(units: readonly AdminUnit[], mapping: readonly { newCode: string; oldProvinceCode: string }[]) {
    for (const unit of units) {
      const key = `${unit.scheme}:${unit.level}:${unit.code}`;
      const list = this.#versions.get(key) ?? [];
      list.push(unit);
      this.#versions.set(key, list);
    }
    for (const list of this.#versions.values()) list.sort((a, b) => a.validFrom.localeCompare(b.validFrom));
    for (const row of mapping) {
      const list = this.#predecessorProvinces.get(row.newCode) ?? [];
      if (!list.includes(row.oldProvinceCode)) list.push(row.oldProvinceCode);
      this.#predecessorProvinces.set(row.newCode, list);
    }
    for (const list of this.#predecessorProvinces.values()) list.sort();
  }

  static async load(db: Db): Promise<AdminUnits> {
    const { rows } = await sql<Record<string, string | null>>`
      SELECT scheme, level, code, name, full_name, type_code, name_en, parent_code, province_code, valid_from, valid_to
      FROM registry.admin_unit`.execute(db);
    const mapping = await sql<{ new_code: string; old_province_code: string }>`
      SELECT DISTINCT new_code, old_province_code FROM registry.admin_unit_mapping ORDER BY new_code, old_province_code`.execute(
      db,
    );
    return new AdminUnits(
      rows.map((row) => ({
        scheme: row.scheme as AdminUnit['scheme'],
        level: row.level as AdminUnit['level'],
        code: row.code ?? '',
        name: row.name ?? '',
        fullName: row.full_name ?? '',
        typeCode: row.type_code ?? '',
        nameEn: row.name_en ?? null,
        parentCode: row.parent_code ?? null,
        provinceCode: row.province_code ?? '',
        validFrom: row.valid_from ?? '',
        validTo: row.valid_to ?? null,
      })),
      mapping.rows.map((row) => ({ newCode: row.new_code, oldProvinceCode: row.old_province_code })),
    );
  }

  /** Builds the table from the reference data shipped with the package, without a database. */
  static async fromReferenceData(): Promise<AdminUnits> {
    const { readReferenceData } = await import('./admin-unit.loader.ts');
    const data = await readReferenceData();
    return new AdminUnits(data.units, data.mapping);
  }

  /** The version of a unit in force on `date` (default: the newest version). */
  find(scheme: string, level: AdminUnit['level'], code: string, date?: string): AdminUnit | undefined {
    const list = this.#versions.get(`${scheme}:${level}:${code}`);
    if (!list) return undefined;
    if (!date) return list[list.length - 1];
    return list.find((unit) => unit.validFrom <= date && (!unit.validTo || date < unit.validTo)) ?? list[0];
  }

  /** Throws ERR_ADMIN_UNIT_UNKNOWN for a commune code that does not exist in the scheme. */
  getCommune(scheme: string, code: string): AdminUnit {
    const unit = this.find(scheme, 'commune', code);
    if (!unit)
      throw new AppError('ERR_ADMIN_UNIT_UNKNOWN', `no ${scheme} commune with code ${code}`, {
        unitCode: code,
      });
    return unit;
  }

  provinceOf(scheme: string, communeCode: string): string | null {
    return this.find(scheme, 'commune', communeCode)?.provinceCode ?? null;
  }

  provinces(scheme: '2025' | 'pre2025' = '2025', date?: string): AdminUnit[] {
    const result: AdminUnit[] = [];
    for (const [key, list] of this.#versions) {
      if (!key.startsWith(`${scheme}:province:`)) continue;
      const unit = date ? this.find(scheme, 'province', list[0]!.code, date) : list[list.length - 1];
      if (unit) result.push(unit);
    }
    return result.sort((a, b) => a.code.localeCompare(b.code));
  }

  communes(provinceCode: string, date?: string): AdminUnit[] {
    const result: AdminUnit[] = [];
    for (const [key, list] of this.#versions) {
      if (!key.startsWith('2025:commune:') || list[0]!.provinceCode !== provinceCode) continue;
      const unit = this.find('2025', 'commune', list[0]!.code, date);
      if (unit) result.push(unit);
    }
    return result.sort((a, b) => a.code.localeCompare(b.code));
  }

  /** Pre-2025 provinces whose wards became this 2025 commune, in code order. */
  predecessorProvinces(communeCode: string): string[] {
    return this.#predecessorProvinces.get(communeCode) ?? [];
  }

  /** Validates an address input and returns it normalised (throws for an unknown unit). */
  checkAddress(input: AddressInput): AddressInput {
    this.getCommune(input.scheme, input.communeCode);
    return { scheme: input.scheme, communeCode: input.communeCode, detail: input.detail.trim() };
  }

  /** Resolves unit names for display, as of `date` (default: current names). */
  resolve(input: AddressInput, date?: string): Address {
    const commune = this.find(input.scheme, 'commune', input.communeCode, date);
    const province = commune ? this.find(input.scheme, 'province', commune.provinceCode, date) : undefined;
    const parts = [input.detail, commune?.fullName, province?.fullName].filter(
      (part): part is string => !!part,
    );
    return {
      scheme: input.scheme,
      communeCode: input.communeCode,
      communeName: commune?.fullName ?? null,
      provinceCode: commune?.provinceCode ?? null,
      provinceName: province?.fullName ?? null,
      detail: input.detail,
      text: parts.join(', '),
    };
  }
}
