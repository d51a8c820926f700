import { exchangeVi } from '../../i18n/exchange.vi.ts';
import type { ExchangeT } from './exchange-i18n.ts';

// Codes from the API are open-ended strings; known ones are translated, the rest shown as sent.
// Scope and event-type codes contain dots, which i18next reads as key paths, so they are
// mapped to keys here.

type T = ExchangeT;

function known<Table extends object>(table: Table, key: string): key is Extract<keyof Table, string> {
  return Object.hasOwn(table, key);
}

/** `exchange.verify` → "Xác thực thông tin". */
export function scopeLabel(t: T, scope: string): string {
  const key = scope.replace(/^exchange\./, '');
  return known(exchangeVi.scope, key) ? t(`scope.${key}`) : scope;
}

/** `person.residence_changed` → key `personResidenceChanged`. */
export function exchangeEventTypeLabel(t: T, type: string): string {
  const key = type.replace(/[._]([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return known(exchangeVi.eventType, key) ? t(`eventType.${key}`) : type;
}

export function documentKindLabel(t: T, kind: string): string {
  return known(exchangeVi.documentKind, kind) ? t(`documentKind.${kind}`) : kind;
}

/** A field of an agency's field policy. */
export function exchangeFieldLabel(t: T, field: string): string {
  return known(exchangeVi.field, field) ? t(`field.${field}`) : field;
}

export function operationLabel(t: T, operation: string): string {
  return known(exchangeVi.operation, operation) ? t(`operation.${operation}`) : operation;
}

export function jobStatusLabel(t: T, status: string): string {
  return known(exchangeVi.jobStatus, status) ? t(`jobStatus.${status}`) : status;
}

export function outcomeLabel(t: T, outcome: string): string {
  return known(exchangeVi.outcome, outcome) ? t(`outcome.${outcome}`) : outcome;
}

const numberFormats = {
  vi: new Intl.NumberFormat('vi-VN'),
  en: new Intl.NumberFormat('en-GB'),
};

/** Counts with the reader's digit grouping (1.000.000 in Vietnamese, 1,000,000 in English). */
export function formatCount(value: number, language: string | undefined): string {
  return (language === 'en' ? numberFormats.en : numberFormats.vi).format(value);
}
