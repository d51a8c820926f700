import type { AddressInput, AdminUnits } from '@dinhdanh/registry';
import type { ComparableField, RegistryValues } from '../compare/field-compare.ts';

/**
 * Per comparable field: the column that stages the agency's value and the columns of
 * registry.person_match (the registry's read contract, ADR 0007) that the comparison reads.
 */
export const fieldColumns: Record<ComparableField, { staged: string; registry: readonly string[] }> = {
  fullName: { staged: 'full_name', registry: ['full_name', 'other_names'] },
  dateOfBirth: { staged: 'date_of_birth', registry: ['date_of_birth'] },
  sex: { staged: 'sex', registry: ['sex'] },
  oldIdNumber: { staged: 'old_id_number', registry: ['old_id_number'] },
  permanentAddress: { staged: 'permanent_address', registry: ['permanent_address'] },
  currentResidence: { staged: 'current_residence', registry: ['current_residence'] },
  placeOfOrigin: { staged: 'place_of_origin', registry: ['place_of_origin'] },
  placeOfBirth: { staged: 'place_of_birth', registry: ['place_of_birth'] },
  nationality: { staged: 'nationality', registry: ['nationality'] },
  ethnicity: { staged: 'ethnicity', registry: ['ethnicity'] },
  religion: { staged: 'religion', registry: ['religion'] },
  phone: { staged: 'phone', registry: ['phone'] },
  email: { staged: 'email', registry: ['email'] },
  father: { staged: 'father', registry: ['father_name'] },
  mother: { staged: 'mother', registry: ['mother_name'] },
  spouse: { staged: 'spouse', registry: ['spouse_name'] },
};

type Row = Record<string, unknown>;

const text = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
};

const address = (value: unknown, units: AdminUnits): string | null => {
  if (value === null || value === undefined) return null;
  const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as AddressInput;
  return units.resolve(parsed).text;
};

/**
 * The registry's values of the compared fields, as the verification API flattens a person
 * (people/person-view.ts): addresses as their one-line text with current unit names, relatives'
 * names as recorded. `row` holds person_match columns prefixed with `r_`.
 */
export function registryValuesFromRow(
  row: Row,
  fields: readonly ComparableField[],
  units: AdminUnits,
): RegistryValues {
  const values: RegistryValues = {};
  for (const field of fields) {
    switch (field) {
      case 'fullName': {
        values.fullName = text(row.r_full_name);
        const others = row.r_other_names;
        values.otherNames = Array.isArray(others) ? (others as string[]) : [];
        break;
      }
      case 'permanentAddress':
        values.permanentAddress = address(row.r_permanent_address, units);
        break;
      case 'currentResidence':
        values.currentResidence = address(row.r_current_residence, units);
        break;
      default:
        values[field] = text(row[`r_${fieldColumns[field].registry[0]}`]);
    }
  }
  return values;
}
