import type { Db } from '@dinhdanh/db';
import type { Clock } from '@dinhdanh/kernel';
import type { AdminUnits } from './admin-unit/admin-units.ts';
import type { RegistryAudit } from './audit/registry-audit.ts';

/**
 * Rules that law or policy may change. Marriage ages follow the Law on Marriage and Family
 * 2014 (Art. 8): men from 20, women from 18; that law does not recognise same-sex marriage.
 * The minimum parent–child age gap is a plausibility check, not law.
 */
export interface RegistryRules {
  minParentAgeYears: number;
  marriageAge: { male: number; female: number };
  sameSexMarriage: boolean;
}

export const defaultRules: RegistryRules = {
  minParentAgeYears: 13,
  marriageAge: { male: 20, female: 18 },
  sameSexMarriage: false,
};

/** Everything the registry's services need, passed explicitly. */
export interface RegistryContext {
  db: Db;
  units: AdminUnits;
  clock: Clock;
  rules: RegistryRules;
  audit: RegistryAudit;
}
