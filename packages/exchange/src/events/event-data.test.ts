import { describe, expect, it } from 'vitest';
import type { Agency, Purpose } from '../agency/agency.schema.ts';
import { disclosureFor, eventFields, SUBSCRIPTION_BASIS } from './event-data.ts';

const purpose = (code: string, legalBasis: string | null, fields: Purpose['fields']): Purpose => ({
  code,
  description: `Mục đích ${code}`,
  legalBasis,
  fields,
});
const agencyWith = (purposes: Purpose[]): Agency => ({
  agencyId: 'ag-test',
  clientId: 'ag-test',
  name: 'Cơ quan thử',
  scopes: ['exchange.events'],
  purposes,
  eventTypes: ['person.died', 'person.corrected'],
  documentKinds: [],
  ratePerSecond: 10,
  quotaPerDay: 10,
  createdAt: '2026-11-23T00:00:00.000Z',
  disabled: false,
});

describe('what an event discloses', () => {
  it('is about the fields of its type and the registry fields it changed, by their exchange names', () => {
    expect(eventFields('person.died', ['dateOfDeath'])).toEqual(['alive', 'dateOfDeath']);
    expect(eventFields('person.corrected', ['placeOfOrigin', 'residenceFileNumber'])).toEqual([
      'placeOfOrigin',
    ]);
    expect(eventFields('person.civil_status_changed', ['maritalStatus', 'spouseIdNumber'])).toEqual([
      'maritalStatus',
      'spouse',
    ]);
    expect(eventFields('card.revoked', ['cards'])).toEqual(['card']);
  });

  it('uses the legal-basis purpose that covers most of the event, never a consent purpose', () => {
    const agency = agencyWith([
      purpose('a.narrow', 'Luật A', ['alive']),
      purpose('a.consent', null, ['alive', 'dateOfDeath', 'phone']),
      purpose('a.wide', 'Luật B', ['alive', 'dateOfDeath', 'fullName']),
    ]);
    const disclosure = disclosureFor(agency, eventFields('person.died', []));
    expect(disclosure.purpose?.code).toBe('a.wide');
    expect(disclosure.fields).toEqual(['alive', 'dateOfDeath']);
    expect(disclosure.legalBasis).toBe('Luật B');
    expect(disclosure.purposeText).toContain('a.wide');
  });

  it('discloses no field values without a legal-basis purpose', () => {
    const disclosure = disclosureFor(agencyWith([purpose('a.consent', null, ['alive', 'dateOfDeath'])]), [
      'alive',
      'dateOfDeath',
    ]);
    expect(disclosure).toMatchObject({ purpose: undefined, fields: [], legalBasis: SUBSCRIPTION_BASIS });
  });
});
