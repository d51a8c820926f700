import type { TFunction } from 'i18next';
import { formatDate } from '../shared/format.ts';
import { fieldLabel, maritalStatusLabel, relationToHeadLabel, sexLabel } from './labels.ts';

/**
 * One value from an event's `changes` as a line of text. Changes are partial person states
 * as stored, so addresses carry a commune code and the house-level detail but no names.
 */
export function describeChange(t: TFunction, field: string, value: unknown): string {
  if (value === null || value === undefined) return t('history.removed');
  if (typeof value === 'string') {
    if (field === 'sex') return sexLabel(t, value);
    if (field === 'maritalStatus') return maritalStatusLabel(t, value);
    if (field === 'relationToHead') return relationToHeadLabel(t, value);
    return describeScalar(value);
  }
  return describeValue(t, value);
}

function describeScalar(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value) : value;
}

function describeValue(t: TFunction, value: unknown): string {
  if (value === null || value === undefined) return t('common.none');
  if (typeof value === 'string') return describeScalar(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (Array.isArray(value))
    return value.length === 0 ? t('common.none') : value.map((v) => describeValue(t, v)).join('; ');
  if (typeof value !== 'object') return String(value);
  const record = value as Record<string, unknown>;
  if (typeof record.text === 'string') return record.text;
  if (typeof record.communeCode === 'string') {
    const commune =
      typeof record.communeName === 'string'
        ? record.communeName
        : t('history.communeCode', { code: record.communeCode });
    return [record.detail, commune].filter((part) => typeof part === 'string' && part !== '').join(', ');
  }
  if (record.address && typeof record.from === 'string') {
    return `${describeValue(t, record.address)} (${term(t, record.from, record.to)})`;
  }
  if (typeof record.destination === 'string' && typeof record.from === 'string') {
    return `${record.destination} — ${String(record.reason ?? '')} (${term(t, record.from, record.to)})`;
  }
  if (typeof record.fullName === 'string') {
    return [record.fullName, record.idNumber, record.nationality]
      .filter((part) => typeof part === 'string')
      .join(', ');
  }
  const entries = Object.entries(record);
  if (entries.length === 0) return t('common.none');
  const text = entries.map(([key, inner]) => `${fieldLabel(t, key)}: ${describeValue(t, inner)}`).join('; ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function term(t: TFunction, from: string, to: unknown): string {
  return typeof to === 'string'
    ? t('person.term', { from: formatDate(from), to: formatDate(to) })
    : t('person.termOpen', { from: formatDate(from) });
}
