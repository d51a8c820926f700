import type { TFunction } from 'i18next';
import { vi } from '../i18n/vi.ts';
import { formatDate, formatDateTime } from '../shared/format.ts';
import { maritalStatusLabel, relationToHeadLabel, sexLabel } from './labels.ts';
import type { RecordsT } from './records/records-i18n.ts';

/**
 * One field of a history event as an officer reads it: the value before (when the event says)
 * and after, in words. Values are partial person states as the API presents them: addresses
 * with their units' names; biometric references and card records, which are described, never
 * shown (no template hashes, image keys or signer serials on screen).
 */
export interface FieldChange {
  /** Undefined when the event does not record the field's previous value (a first record). */
  before?: string;
  after: string;
}

export function describeFieldChange(
  t: TFunction,
  rt: RecordsT,
  field: string,
  after: unknown,
  previous: Readonly<Record<string, unknown>> | null,
): FieldChange {
  const hasBefore = previous !== null && Object.hasOwn(previous, field);
  const before = hasBefore ? previous[field] : undefined;
  if (field === 'biometrics') return { after: describeBiometrics(rt, after, before) };
  if (isEmpty(after)) {
    // An empty value replacing a recorded one is a removal; an empty first value is just empty.
    if (hasBefore && !isEmpty(before))
      return { before: describeValue(t, rt, field, before), after: rt('history.removed') };
    return hasBefore ? { before: t('common.none'), after: t('common.none') } : { after: t('common.none') };
  }
  return hasBefore
    ? { before: describeValue(t, rt, field, before), after: describeValue(t, rt, field, after) }
    : { after: describeValue(t, rt, field, after) };
}

/** A value alone (the residence history's "new value" column). */
export function describeValue(t: TFunction, rt: RecordsT, field: string, value: unknown): string {
  if (isEmpty(value)) return t('common.none');
  if (field === 'biometrics') return describeBiometrics(rt, value, undefined);
  if (field === 'cards') return describeCards(t, rt, value);
  if (field === 'relatives') return describeRelatives(t, rt, value);
  if (typeof value === 'string') {
    if (field === 'sex') return sexLabel(t, value);
    if (field === 'maritalStatus') return maritalStatusLabel(t, value);
    if (field === 'relationToHead') return relationToHeadLabel(t, value);
    return describeScalar(value);
  }
  return describeAny(t, rt, value);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function describeScalar(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDateTime(value);
  return value;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

const modalities = ['face', 'fingerprints', 'iris'] as const;

/** What happened to each biometric reference, in words ("Ảnh chân dung đã cập nhật"). */
function describeBiometrics(rt: RecordsT, after: unknown, before: unknown): string {
  const now = asRecord(after);
  const then = asRecord(before);
  const lines: string[] = [];
  for (const modality of modalities) {
    const a = now[modality];
    const b = then[modality];
    if (!a && !b) continue;
    if (a && !b) lines.push(rt(`history.biometrics.${modality}.recorded`));
    else if (!a) lines.push(rt(`history.biometrics.${modality}.removed`));
    else if (JSON.stringify(a) !== JSON.stringify(b))
      lines.push(rt(`history.biometrics.${modality}.updated`));
  }
  return lines.length > 0 ? lines.join('; ') : rt('history.biometrics.none');
}

type CardStatus = keyof typeof vi.idCard.statuses;

/** Each card by number, issue date and status. */
function describeCards(t: TFunction, rt: RecordsT, value: unknown): string {
  const cards = Array.isArray(value) ? value.map(asRecord) : [];
  return cards
    .map((card) => {
      const status =
        typeof card.status === 'string' && Object.hasOwn(vi.idCard.statuses, card.status)
          ? t(`idCard.statuses.${card.status as CardStatus}`)
          : '';
      return rt('history.card', {
        number: String(card.cardNumber ?? ''),
        issued: formatDate(typeof card.issueDate === 'string' ? card.issueDate : null),
        status,
      });
    })
    .join('; ');
}

type RelativeRole = 'father' | 'mother' | 'spouse' | 'guardian' | 'legalRepresentative';
const relativeRoles: readonly RelativeRole[] = [
  'father',
  'mother',
  'spouse',
  'guardian',
  'legalRepresentative',
];

/** Relatives recorded by name (not in the registry): role, name, nationality. */
function describeRelatives(t: TFunction, rt: RecordsT, value: unknown): string {
  const relatives = asRecord(value);
  return relativeRoles
    .filter((role) => relatives[role])
    .map((role) => `${t(`relations.${role}`)}: ${describeAny(t, rt, relatives[role])}`)
    .join('; ');
}

function describeAny(t: TFunction, rt: RecordsT, value: unknown): string {
  if (isEmpty(value)) return t('common.none');
  if (typeof value === 'string') return describeScalar(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (Array.isArray(value)) return value.map((item) => describeAny(t, rt, item)).join('; ');
  const record = asRecord(value);
  if (typeof record.text === 'string') return record.text;
  if (record.address && typeof record.from === 'string')
    return `${describeAny(t, rt, record.address)} (${term(t, record.from, record.to)})`;
  if (typeof record.destination === 'string' && typeof record.from === 'string')
    return `${record.destination} — ${String(record.reason ?? '')} (${term(t, record.from, record.to)})`;
  if (typeof record.fullName === 'string') {
    const details = [
      typeof record.idNumber === 'string' ? record.idNumber : null,
      typeof record.nationality === 'string'
        ? t('relations.nationality', { nationality: record.nationality })
        : null,
    ].filter(Boolean);
    return details.length > 0 ? `${record.fullName} (${details.join(', ')})` : record.fullName;
  }
  // A shape this console does not know: say that it changed rather than print its keys.
  return rt('history.updated');
}

function term(t: TFunction, from: string, to: unknown): string {
  return typeof to === 'string'
    ? t('person.term', { from: formatDate(from), to: formatDate(to) })
    : t('person.termOpen', { from: formatDate(from) });
}
