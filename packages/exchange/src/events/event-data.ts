import type { Person } from '@dinhdanh/registry';
import type { Agency, ExchangeEventType, ExchangeField, Purpose } from '../agency/agency.schema.ts';
import { exchangeFields } from '../agency/agency.schema.ts';
import { purposeText } from '../auth/purpose.ts';
import { releasedFields } from '../people/person-view.ts';

/**
 * The fields an event of each type is about. A birth tells who was born; a death whether and when
 * the person died; a correction the fields it corrected (added from the change's field list).
 */
const fieldsOfType: Record<ExchangeEventType, readonly ExchangeField[]> = {
  'person.born': [
    'fullName',
    'dateOfBirth',
    'sex',
    'placeOfBirth',
    'placeOfOrigin',
    'ethnicity',
    'religion',
    'nationality',
    'permanentAddress',
    'householdId',
    'relationToHead',
    'father',
    'mother',
    'alive',
  ],
  'person.died': ['alive', 'dateOfDeath'],
  'person.death_annulled': ['alive', 'dateOfDeath'],
  'person.name_changed': ['fullName', 'otherNames'],
  'person.residence_changed': [
    'permanentAddress',
    'temporaryResidence',
    'currentResidence',
    'householdId',
    'relationToHead',
  ],
  'person.civil_status_changed': ['maritalStatus', 'spouse'],
  'person.corrected': [],
  'card.revoked': ['card'],
  'card.reinstated': ['card'],
};

/** Registry field names (the change feed's `fields`) whose exchange name differs. */
const renamed: Record<string, readonly ExchangeField[]> = {
  fatherIdNumber: ['father'],
  motherIdNumber: ['mother'],
  spouseIdNumber: ['spouse'],
  relatives: ['father', 'mother', 'spouse'],
  dateOfDeath: ['alive', 'dateOfDeath'],
  cards: ['card'],
};

const known = new Set<string>(exchangeFields);

/** The exchange fields an event is about: its type's fields plus the registry fields it changed. */
export function eventFields(type: ExchangeEventType, changed: readonly string[]): ExchangeField[] {
  const fields = new Set<ExchangeField>(fieldsOfType[type]);
  for (const name of changed) {
    for (const field of renamed[name] ?? []) fields.add(field);
    if (known.has(name) && name !== 'idNumber') fields.add(name as ExchangeField);
  }
  return [...fields];
}

/** On what ground an event is disclosed to an agency, and which of its fields. */
export interface Disclosure {
  /** The purpose whose legal basis covers the data, if the agency has one. */
  purpose: Purpose | undefined;
  fields: ExchangeField[];
  /** As the citizen's access log shows it. */
  purposeText: string;
  legalBasis: string;
}

export const SUBSCRIPTION_PURPOSE = 'Nhận sự kiện thay đổi dân cư / population change events';
export const SUBSCRIPTION_BASIS =
  'Đăng ký nhận sự kiện do quản trị viên cấp cho cơ quan / event subscription granted to the agency by the administrator';

/**
 * Picks the agency's purpose that has a legal basis and covers the most of the event's fields
 * (the first such purpose on a tie). A purpose that needs the citizen's consent is never used:
 * an event is pushed without the citizen asking. Without any legal-basis purpose the agency gets
 * the bare event (type, ID number, time) under its subscription grant, and no field values.
 */
export function disclosureFor(agency: Agency, fields: readonly ExchangeField[]): Disclosure {
  let best: { purpose: Purpose; fields: ExchangeField[] } | undefined;
  for (const purpose of agency.purposes) {
    if (!purpose.legalBasis) continue;
    const allowed = fields.filter((field) => purpose.fields.includes(field));
    if (!best || allowed.length > best.fields.length) best = { purpose, fields: allowed };
  }
  if (!best)
    return {
      purpose: undefined,
      fields: [],
      purposeText: SUBSCRIPTION_PURPOSE,
      legalBasis: SUBSCRIPTION_BASIS,
    };
  return {
    purpose: best.purpose,
    fields: best.fields,
    purposeText: `${SUBSCRIPTION_PURPOSE}: ${purposeText(best.purpose)}`.slice(0, 500),
    legalBasis: best.purpose.legalBasis ?? SUBSCRIPTION_BASIS,
  };
}

/** What an agency receives: the event and only the fields its disclosure allows. */
export interface ChangeEventPayload {
  id: string;
  type: ExchangeEventType;
  occurredAt: string;
  idNumber: string;
  data: Record<string, unknown>;
}

export function eventPayload(
  event: { eventId: string; type: ExchangeEventType; occurredAt: Date; idNumber: string },
  person: Person | undefined,
  disclosure: Disclosure,
): ChangeEventPayload {
  return {
    id: event.eventId,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    idNumber: event.idNumber,
    data: person ? releasedFields(person, disclosure.fields) : {},
  };
}
