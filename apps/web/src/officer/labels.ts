import type { TFunction } from 'i18next';
import { type RelationToHead, relationsToHead } from '../api/api.types.ts';
import { vi } from '../i18n/vi.ts';

// Codes from the API are open-ended strings; only known ones have a translation, the rest
// are shown as sent.

type EventType = keyof typeof vi.eventType;
type FieldName = keyof typeof vi.fields;

export function eventTypeLabel(t: TFunction, type: string): string {
  return Object.hasOwn(vi.eventType, type) ? t(`eventType.${type as EventType}`) : type;
}

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

type AccessActionKey = keyof typeof vi.accessAction;

/** Audit actions (`packages/registry`) and their translation keys; dots in the codes rule them out as keys. */
const accessActions: Readonly<Record<string, AccessActionKey>> = {
  'registry.person.read': 'personRead',
  'registry.person.search_result': 'personSearchResult',
  'registry.person.relations_read': 'personRelationsRead',
  'registry.person.history_read': 'personHistoryRead',
  'registry.household.read': 'householdRead',
  'registry.birth_registered': 'birthRegistered',
  'registry.death_recorded': 'deathRecorded',
  'registry.marriage_registered': 'marriageRegistered',
  'registry.divorce_registered': 'divorceRegistered',
  'registry.field_corrected': 'fieldCorrected',
  'registry.widowed': 'widowed',
  'registry.child_linked': 'childLinked',
  'registry.guardianship_registered': 'guardianshipRegistered',
  'registry.access_log.read': 'accessLogRead',
  'registry.person.list_result': 'personListResult',
  'registry.people.exported': 'peopleExported',
  'exchange.document.pushed': 'documentsPushed',
  'exchange.document.read': 'documentsRead',
};

export function accessActionLabel(t: TFunction, action: string): string {
  const key = Object.hasOwn(accessActions, action) ? accessActions[action] : undefined;
  return key ? t(`accessAction.${key}`) : action;
}

export function actorKindLabel(t: TFunction, kind: string): string {
  return Object.hasOwn(vi.actorKind, kind) ? t(`actorKind.${kind as keyof typeof vi.actorKind}`) : kind;
}
