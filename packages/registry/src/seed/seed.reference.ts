import { readFileSync } from 'node:fs';
import { parseCsv } from '@dinhdanh/db';
import { Weighted } from './prng.ts';
import { populationByProvince2025, populationByProvincePre2025 } from './seed.data.ts';

/**
 * The administrative units the seeder places people in, read from the package's data folder
 * (the same files `loadAdminUnits` loads into the database): 2025 provinces and communes, and the
 * pre-2025 provinces and wards that give the place of birth registration, the ID-number province
 * code and the place of origin.
 */

export interface OldWard {
  code: string;
  province: OldProvince;
  /** Quê quán as written on records: "Xã …, Huyện …, Tỉnh …". */
  origin: string;
}

export interface OldProvince {
  /** 2-digit GSO code of the pre-2025 province. */
  code: string;
  /** 3-digit ID-number province code (= '0' + GSO code). */
  idCode: string;
  fullName: string;
  newProvinceCode: string;
  wards: OldWard[];
}

export interface Commune {
  code: string;
  provinceCode: string;
  kind: 'phuong' | 'xa' | 'dac_khu';
  /** The old province its predecessor units belonged to (each 2025 commune has one). */
  oldProvince: OldProvince;
  /** Predecessor wards, for a local birth registration; empty for a few communes formed otherwise. */
  oldWards: OldWard[];
}

export interface Province {
  code: string;
  fullName: string;
  population: number;
  communes: Commune[];
  /** Old province (by population), then a commune of it (wards weigh more than rural communes). */
  oldProvinces: Weighted<OldProvince>;
  communesByOldProvince: Map<string, Weighted<Commune>>;
}

export interface Reference {
  provinces: Map<string, Province>;
  /** 2025 provinces weighted by population. */
  provinceWeights: Weighted<Province>;
  oldProvinces: Map<string, OldProvince>;
  /** Old provinces weighted by population: where migrants were born. */
  oldProvinceWeights: Weighted<OldProvince>;
  communes: Map<string, Commune>;
}

const dataDir = new URL('../../data/', import.meta.url);
const read = (name: string) => parseCsv(readFileSync(new URL(name, dataDir), 'utf8'));

const kindWeight = { phuong: 1.6, xa: 1, dac_khu: 0.4 } as const;

let cached: Reference | undefined;

/** Reads and indexes the reference data once per process (a few milliseconds). */
export function loadReference(): Reference {
  if (cached) return cached;
  const oldProvinces = new Map<string, OldProvince>();
  for (const row of read('admin-units/provinces-pre2025.csv')) {
    const code = row.code ?? '';
    oldProvinces.set(code, {
      code,
      idCode: `0${code}`,
      fullName: (row.full_name ?? '').normalize('NFC'),
      newProvinceCode: row.new_province_code ?? '',
      wards: [],
    });
  }
  const districts = new Map(
    read('admin-units/districts-pre2025.csv').map((row) => [
      row.code ?? '',
      (row.full_name ?? '').normalize('NFC'),
    ]),
  );
  const wards = new Map<string, OldWard>();
  for (const row of read('admin-units/wards-pre2025.csv')) {
    const province = oldProvinces.get(row.province_code ?? '');
    if (!province) continue;
    const district = districts.get(row.district_code ?? '');
    const origin = [row.full_name ?? '', district, province.fullName]
      .filter((part): part is string => !!part)
      .join(', ')
      .normalize('NFC');
    const ward: OldWard = { code: row.code ?? '', province, origin };
    province.wards.push(ward);
    wards.set(ward.code, ward);
  }

  const communes = new Map<string, Commune>();
  const provinces = new Map<string, Province>();
  const oldProvinceOf = new Map<string, OldProvince>();
  const oldWardsOf = new Map<string, OldWard[]>();
  for (const row of read('admin-units/old-to-new-2025.csv')) {
    const newCode = row.new_code ?? '';
    const old = oldProvinces.get(row.old_province_code ?? '');
    if (old && !oldProvinceOf.has(newCode)) oldProvinceOf.set(newCode, old);
    if (row.old_level === 'ward') {
      const ward = wards.get(row.old_code ?? '');
      if (!ward) continue;
      const list = oldWardsOf.get(newCode) ?? [];
      if (!list.includes(ward)) list.push(ward);
      oldWardsOf.set(newCode, list);
    }
  }
  for (const row of read('admin-units/provinces-2025.csv')) {
    const code = row.code ?? '';
    const population = populationByProvince2025[code];
    if (population === undefined) throw new Error(`no population figure for province ${code}`);
    provinces.set(code, {
      code,
      fullName: (row.full_name ?? '').normalize('NFC'),
      population,
      communes: [],
      oldProvinces: undefined as unknown as Weighted<OldProvince>,
      communesByOldProvince: new Map(),
    });
  }
  for (const row of read('admin-units/communes-2025.csv')) {
    const code = row.code ?? '';
    const province = provinces.get(row.province_code ?? '');
    const oldWards = oldWardsOf.get(code) ?? [];
    const oldProvince = oldWards[0]?.province ?? oldProvinceOf.get(code);
    if (!province || !oldProvince) throw new Error(`commune ${code} has no province or predecessor`);
    const commune: Commune = {
      code,
      provinceCode: province.code,
      kind: (row.type_code ?? 'xa') as Commune['kind'],
      oldProvince,
      oldWards,
    };
    communes.set(code, commune);
    province.communes.push(commune);
  }
  for (const province of provinces.values()) {
    const byOld = new Map<string, Commune[]>();
    for (const commune of province.communes) {
      const list = byOld.get(commune.oldProvince.code) ?? [];
      list.push(commune);
      byOld.set(commune.oldProvince.code, list);
    }
    province.oldProvinces = new Weighted(
      [...byOld.keys()].map((code) => {
        const old = oldProvinces.get(code)!;
        return [old, populationByProvincePre2025[code] ?? 500] as const;
      }),
    );
    for (const [code, list] of byOld)
      province.communesByOldProvince.set(
        code,
        new Weighted(list.map((commune) => [commune, kindWeight[commune.kind] ?? 1] as const)),
      );
  }
  cached = {
    provinces,
    provinceWeights: new Weighted([...provinces.values()].map((p) => [p, p.population] as const)),
    oldProvinces,
    oldProvinceWeights: new Weighted(
      [...oldProvinces.values()].map((p) => [p, populationByProvincePre2025[p.code] ?? 500] as const),
    ),
    communes,
  };
  return cached;
}
