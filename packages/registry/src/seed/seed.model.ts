import { demoFingerprintTemplateHash } from '../person/development-biometrics.ts';
import type { AddressInput, MaritalStatus } from '../person/person.schema.ts';
import type { PersonState } from '../person/person.state.ts';
import { isoOf } from './seed.dates.ts';
import { faceHash, type SeedHousehold, type SeedPerson } from './seed.generator.ts';

/**
 * The seeded records as plain objects: the readable statement of what the generator's fast
 * CSV encoding writes. Tests encode these with `csvRow`/`stateToRow` and compare byte for byte.
 */

export interface SeedEvent {
  version: number;
  type: string;
  effectiveDate: string;
  data: { changes: Partial<PersonState>; previous?: Partial<PersonState> };
}

export interface SeedHouseholdEvent {
  version: number;
  type: string;
  data: Record<string, unknown>;
}

export function householdAddress(household: SeedHousehold): AddressInput {
  return { scheme: '2025', communeCode: household.commune.code, detail: household.detail };
}

/**
 * The first event's changes: the state except marital status, spouse and death, leaving out
 * fields that equal their defaults (emptyPersonState) — the fold gives the same state, and the
 * load carries about 250 fewer bytes per person.
 */
export function initialChanges(p: SeedPerson): Partial<PersonState> {
  const household = p.household;
  const reg = p.registration;
  return {
    idNumber: p.idNumber,
    oldIdNumber: p.oldIdNumber,
    fullName: p.fullName,
    dateOfBirth: isoOf(p.dob),
    sex: p.sex,
    placeOfBirth: reg.placeOfBirth,
    birthRegistrationPlace: { scheme: reg.ward ? 'pre2025' : '2025', communeCode: reg.code, detail: '' },
    placeOfOrigin: p.origin.origin,
    ethnicity: p.group.name,
    religion: p.religion,
    bloodType: p.bloodType,
    permanentAddress: householdAddress(household),
    residenceFileNumber: household.residenceFileNumber,
    householdId: String(household.id),
    relationToHead: p.relation,
    fatherIdNumber: p.father?.idNumber ?? null,
    motherIdNumber: p.mother?.idNumber ?? null,
    phone: p.phone,
    biometrics: p.hasFace
      ? {
          face: { templateHash: faceHash(p.idNumber), imageKey: `portraits/${p.idNumber}.jpg` },
          fingerprints: {
            templateHash: demoFingerprintTemplateHash(p.idNumber),
            enrolledAt: isoOf(p.enrolledOn),
          },
        }
      : {},
  };
}

/** A person's events in order: initial load, marriage, its end (divorce or widowhood), death. */
export function personEvents(p: SeedPerson): SeedEvent[] {
  const events: SeedEvent[] = [
    { version: 1, type: 'initial_load', effectiveDate: isoOf(p.dob), data: { changes: initialChanges(p) } },
  ];
  if (p.spouse) {
    const spouseIdNumber = p.spouse.idNumber;
    events.push({
      version: events.length + 1,
      type: 'marriage_registered',
      effectiveDate: isoOf(p.marriedOn),
      data: {
        changes: { maritalStatus: 'married', spouseIdNumber },
        previous: { maritalStatus: 'single', spouseIdNumber: null },
      },
    });
    if (p.ended) {
      events.push({
        version: events.length + 1,
        type: p.ended === 'divorced' ? 'divorce_registered' : 'widowed',
        effectiveDate: isoOf(p.endedOn),
        data: {
          changes: { maritalStatus: p.ended as MaritalStatus, spouseIdNumber: null },
          previous: { maritalStatus: 'married', spouseIdNumber },
        },
      });
    }
  }
  if (p.diedOn >= 0) {
    events.push({
      version: events.length + 1,
      type: 'death_recorded',
      effectiveDate: isoOf(p.diedOn),
      data: { changes: { dateOfDeath: isoOf(p.diedOn) }, previous: { dateOfDeath: null } },
    });
  }
  return events;
}

export function householdEvents(household: SeedHousehold): SeedHouseholdEvent[] {
  return [
    {
      version: 1,
      type: 'household_created',
      data: {
        address: householdAddress(household),
        headIdNumber: household.head.idNumber,
        residenceFileNumber: household.residenceFileNumber,
      },
    },
    ...household.members.map((member, i) => ({
      version: i + 2,
      type: 'member_added',
      data: { idNumber: member.idNumber, relationToHead: member.relation },
    })),
  ];
}
