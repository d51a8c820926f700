import type { Person } from '@dinhdanh/registry';
import type { ExchangeField } from '../agency/agency.schema.ts';
import type { RegistryValues } from '../compare/field-compare.ts';

/** The registry's values a comparison needs, flattened to text. */
export function registryValuesOf(person: Person): RegistryValues {
  return {
    fullName: person.fullName,
    otherNames: person.otherNames,
    dateOfBirth: person.dateOfBirth,
    sex: person.sex,
    oldIdNumber: person.oldIdNumber,
    permanentAddress: person.permanentAddress?.text ?? null,
    currentResidence: person.currentResidence?.text ?? null,
    placeOfOrigin: person.placeOfOrigin,
    placeOfBirth: person.placeOfBirth,
    nationality: person.nationality,
    ethnicity: person.ethnicity,
    religion: person.religion,
    phone: person.phone,
    email: person.email,
    father: person.relatives.father?.fullName ?? null,
    mother: person.relatives.mother?.fullName ?? null,
    spouse: person.relatives.spouse?.fullName ?? null,
  };
}

function currentCardOf(person: Person) {
  const card = [...person.cards].reverse().find((entry) => entry.status === 'active');
  return card
    ? {
        cardNumber: card.cardNumber,
        issueDate: card.issueDate,
        expiryDate: card.expiryDate ?? null,
        issuingAuthority: card.issuingAuthority,
      }
    : null;
}

const readers: Record<ExchangeField, (person: Person) => unknown> = {
  idNumber: (p) => p.idNumber,
  oldIdNumber: (p) => p.oldIdNumber,
  fullName: (p) => p.fullName,
  otherNames: (p) => p.otherNames,
  dateOfBirth: (p) => p.dateOfBirth,
  sex: (p) => p.sex,
  placeOfBirth: (p) => p.placeOfBirth,
  placeOfOrigin: (p) => p.placeOfOrigin,
  ethnicity: (p) => p.ethnicity,
  religion: (p) => p.religion,
  nationality: (p) => p.nationality,
  bloodType: (p) => p.bloodType,
  permanentAddress: (p) => p.permanentAddress,
  temporaryResidence: (p) => p.temporaryResidence,
  currentResidence: (p) => p.currentResidence,
  maritalStatus: (p) => p.maritalStatus,
  householdId: (p) => p.householdId,
  relationToHead: (p) => p.relationToHead,
  father: (p) => p.relatives.father ?? null,
  mother: (p) => p.relatives.mother ?? null,
  spouse: (p) => p.relatives.spouse ?? null,
  alive: (p) => p.dateOfDeath === null,
  dateOfDeath: (p) => p.dateOfDeath,
  phone: (p) => p.phone,
  email: (p) => p.email,
  card: currentCardOf,
};

/** Only the fields a purpose's policy allows, from a person's record. */
export function releasedFields(person: Person, fields: readonly ExchangeField[]): Record<string, unknown> {
  const released: Record<string, unknown> = {};
  for (const field of fields) released[field] = readers[field](person);
  return released;
}
