import type { TFunction } from 'i18next';
import { type RelationToHead, relationsToHead } from '../api/api.types.ts';
import { vi } from '../i18n/vi.ts';

// Codes from the API are open-ended strings; only known ones have a translation, the rest
// are shown as sent.

type FieldName = keyof typeof vi.fields;

export function fieldLabel(t: TFunction, field: string): string {
  return Object.hasOwn(vi.fields, field) ? t(`fields.${field as FieldName}`) : field;
}

export function isRelationToHead(value: unknown): value is RelationToHead {
  return relationsToHead.includes(value as RelationToHead);
}

export function relationToHeadLabel(t: TFunction, relation: string | null | undefined): string {
  if (!relation) return t('common.none');
  return isRelationToHead(relation) ? t(`relationToHead.${relation}`) : relation;
}

export function sexLabel(t: TFunction, sex: string): string {
  return sex === 'male' || sex === 'female' ? t(`sex.${sex}`) : sex;
}

export function maritalStatusLabel(t: TFunction, status: string): string {
  return Object.hasOwn(vi.maritalStatus, status)
    ? t(`maritalStatus.${status as keyof typeof vi.maritalStatus}`)
    : status;
}

// Access-log labels are shared with the citizen's wallet.
export { accessActionLabel, actorKindLabel } from '../shared/access-log-labels.ts';
