import { csvRow } from '@dinhdanh/db';
import { describe, expect, it } from 'vitest';
import { decodeIdNumber } from '../id-number/id-number.ts';
import { demoFingerprintImage, developmentTemplateHash } from '../person/development-biometrics.ts';
import { applyChanges, type PersonState, personColumns, stateToRow } from '../person/person.state.ts';
import { dayOf, isoOf, yearsToDays } from './seed.dates.ts';
import {
  type GeneratorOptions,
  PopulationGenerator,
  SEED_ACTOR,
  SEED_LEGAL_BASIS,
  SEED_REASON,
  type SeedBatch,
  type SeedHousehold,
  type SeedPerson,
} from './seed.generator.ts';
import { householdAddress, householdEvents, personEvents } from './seed.model.ts';
import { loadReference } from './seed.reference.ts';

const AS_OF = '2025-07-01';
const RECORDED_AT = `${AS_OF} 00:00:00+00`;

function generate(options: Partial<GeneratorOptions> & { people: number }) {
  const generator = new PopulationGenerator({
    seed: 1,
    batchSize: 1000,
    asOf: AS_OF,
    firstHouseholdId: 1,
    keepObjects: true,
    ...options,
  });
  const batches: SeedBatch[] = [];
  for (let batch = generator.nextBatch(); batch; batch = generator.nextBatch()) batches.push(batch);
  const people: SeedPerson[] = batches.flatMap((batch) => batch.objects?.people ?? []);
  const households: SeedHousehold[] = batches.flatMap((batch) => batch.objects?.households ?? []);
  return { batches, people, households };
}

const lines = (chunks: readonly Uint8Array[]) =>
  Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .slice(0, -1)
    .map((line) => `${line}\n`);

const text = (batches: SeedBatch[]) =>
  batches.map(({ household, householdEvent, person, personEvent }) => ({
    household: lines(household),
    householdEvent: lines(householdEvent),
    person: lines(person),
    personEvent: lines(personEvent),
  }));

const fold = (events: { data: { changes: Partial<PersonState> } }[]) =>
  events.reduce<PersonState | undefined>(
    (state, event) => applyChanges(state, event.data.changes),
    undefined,
  )!;

const reference = loadReference();
const provinceOf = (scheme: string, code: string) =>
  scheme === '2025' ? (reference.communes.get(code)?.provinceCode ?? null) : null;

const population = generate({ people: 6000 });

describe('synthetic population generator', () => {
  it('gives the same population for the same seed and another for another seed', () => {
    const again = generate({ people: 6000 });
    expect(text(again.batches)).toEqual(text(population.batches));
    const other = generate({ people: 6000, seed: 2 });
    expect(other.people.map((p) => p.idNumber)).not.toEqual(population.people.map((p) => p.idNumber));
    // The batch size does not change the population.
    const bigger = generate({ people: 6000, batchSize: 2500 });
    expect(lines(bigger.batches.flatMap((b) => b.person)).sort()).toEqual(
      lines(population.batches.flatMap((b) => b.person)).sort(),
    );
  });

  it('creates exactly the people asked for, in batches of whole households', () => {
    expect(population.people).toHaveLength(6000);
    for (const batch of population.batches) {
      expect(batch.people).toBeGreaterThanOrEqual(batch === population.batches.at(-1) ? 1 : 1000);
      expect(batch.people).toBeLessThan(1000 + 20);
      const ids = new Set(batch.objects!.people.map((p) => p.idNumber));
      for (const household of batch.objects!.households)
        for (const member of household.members) expect(ids.has(member.idNumber)).toBe(true);
    }
    const tiny = generate({ people: 1 });
    expect(tiny.people).toHaveLength(1);
  });

  it('writes rows equal to stateToRow of the fold of each person’s events, and the events themselves', () => {
    // Within a batch, person rows and their events come in ID-number order.
    for (const batch of population.batches) {
      const ids = lines(batch.person).map((line) => line.slice(0, 12));
      expect(ids).toEqual([...ids].sort());
    }
    const personLines = new Map(
      lines(population.batches.flatMap((b) => b.person)).map((line) => [line.slice(0, 12), line]),
    );
    const eventLines = new Map<string, string[]>();
    for (const line of lines(population.batches.flatMap((b) => b.personEvent)))
      eventLines.set(line.slice(0, 12), [...(eventLines.get(line.slice(0, 12)) ?? []), line]);
    expect(personLines.size).toBe(population.people.length);
    let e = 0;
    for (const person of population.people) {
      const events = personEvents(person);
      const state = fold(events);
      const row = stateToRow(state, events.length, provinceOf);
      expect(personLines.get(person.idNumber)).toBe(csvRow(personColumns.map((column) => row[column])));
      expect(eventLines.get(person.idNumber)).toEqual(
        events.map((event) =>
          csvRow([
            person.idNumber,
            event.version,
            event.type,
            event.effectiveDate,
            RECORDED_AT,
            SEED_ACTOR,
            null,
            SEED_REASON,
            SEED_LEGAL_BASIS,
            JSON.stringify(event.data),
          ]),
        ),
      );
      e += events.length;
      expect(state.fullName).toBe(state.fullName.normalize('NFC'));
    }
    expect([...eventLines.values()].flat()).toHaveLength(e);

    const householdLines = lines(population.batches.flatMap((b) => b.household));
    const householdEventLines = lines(population.batches.flatMap((b) => b.householdEvent));
    let h = 0;
    population.households.forEach((household, i) => {
      const events = householdEvents(household);
      expect(householdLines[i]).toBe(
        csvRow([
          household.id,
          household.head.idNumber,
          household.commune.code,
          household.commune.provinceCode,
          JSON.stringify(householdAddress(household)),
          household.residenceFileNumber,
          events.length,
        ]),
      );
      for (const event of events)
        expect(householdEventLines[h++]).toBe(
          csvRow([
            household.id,
            event.version,
            event.type,
            RECORDED_AT,
            SEED_ACTOR,
            SEED_REASON,
            SEED_LEGAL_BASIS,
            JSON.stringify(event.data),
          ]),
        );
    });
  });

  it('gives valid, distinct ID numbers that match sex and birth year', () => {
    const seen = new Set<string>();
    for (const person of population.people) {
      const decoded = decodeIdNumber(person.idNumber, new Date(`${AS_OF}T00:00:00Z`));
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) continue;
      expect(decoded.value.sex).toBe(person.sex);
      expect(decoded.value.birthYear).toBe(Number(isoOf(person.dob).slice(0, 4)));
      expect(decoded.value.registeredAbroad).toBe(false);
      expect(seen.has(person.idNumber)).toBe(false);
      seen.add(person.idNumber);
      if (person.oldIdNumber) expect(person.oldIdNumber).toMatch(/^\d{9}$/);
      if (person.phone) expect(person.phone).toMatch(/^0[35789]\d{8}$/);
    }
    const phones = population.people.flatMap((p) => (p.phone ? [p.phone] : []));
    expect(new Set(phones).size).toBe(phones.length);
  });

  it('enrols face and fingerprint references (never images) from 14, the demo fingerprint matching', () => {
    let enrolled = 0;
    for (const person of population.people) {
      const biometrics = fold(personEvents(person)).biometrics as {
        fingerprints?: { templateHash: string; enrolledAt: string };
      };
      const age = (dayOf(AS_OF) - person.dob) / 365.2425;
      if (age < 14) {
        expect(biometrics).toEqual({});
        continue;
      }
      enrolled++;
      expect(Object.keys(biometrics)).toEqual(['face', 'fingerprints']);
      expect(biometrics.fingerprints?.templateHash).toBe(
        developmentTemplateHash(person.idNumber, demoFingerprintImage()),
      );
      // With the first chip card: from 2021, at 14 at the earliest, never after the load.
      const enrolledAt = biometrics.fingerprints?.enrolledAt ?? '';
      expect(enrolledAt >= '2021-01-01' && enrolledAt <= AS_OF).toBe(true);
      expect(enrolledAt >= isoOf(person.dob + yearsToDays(14) - 2)).toBe(true);
      expect(JSON.stringify(biometrics)).not.toMatch(/base64|image\/|data:/);
    }
    expect(enrolled).toBeGreaterThan(population.people.length / 2);
  });

  it('registers each birth in a pre-2025 province that is now part of the person’s province, bar migrants', () => {
    let local = 0;
    for (const person of population.people) {
      const ward = person.registration.ward!;
      expect(person.registration.idProvince).toBe(person.idNumber.slice(0, 3));
      expect(ward.province.idCode).toBe(person.registration.idProvince);
      if (ward.province.newProvinceCode === person.household.commune.provinceCode) local++;
    }
    const share = local / population.people.length;
    expect(share).toBeGreaterThan(0.8);
    expect(share).toBeLessThan(0.97);
  });

  it('follows the real frequencies of family names', () => {
    const counts = new Map<string, number>();
    for (const person of population.people.slice(0, 5000)) {
      const family = person.fullName.split(' ')[0]!;
      counts.set(family, (counts.get(family) ?? 0) + 1);
    }
    const share = (name: string) => (counts.get(name) ?? 0) / 5000;
    expect(share('Nguyễn')).toBeGreaterThan(0.33);
    expect(share('Nguyễn')).toBeLessThan(0.43);
    expect(share('Trần')).toBeGreaterThan(0.08);
    expect(share('Trần')).toBeLessThan(0.14);
    expect(share('Lê')).toBeGreaterThan(0.065);
    expect(share('Lê')).toBeLessThan(0.125);
    expect(share('Phạm')).toBeGreaterThan(0.045);
    expect(share('Phạm')).toBeLessThan(0.095);
    expect(share('Hoàng') + share('Huỳnh')).toBeGreaterThan(0.03);
  });

  it('follows the age pyramid and the ethnic and religious make-up roughly', () => {
    const asOf = dayOf(AS_OF);
    const living = population.people.filter((p) => p.diedOn < 0);
    const age = (p: SeedPerson) => (asOf - p.dob) / 365.2425;
    const children = living.filter((p) => age(p) < 15).length / living.length;
    const elderly = living.filter((p) => age(p) >= 65).length / living.length;
    expect(children).toBeGreaterThan(0.19);
    expect(children).toBeLessThan(0.28);
    expect(elderly).toBeGreaterThan(0.06);
    expect(elderly).toBeLessThan(0.14);
    const kinh = population.people.filter((p) => p.group.name === 'Kinh').length / population.people.length;
    expect(kinh).toBeGreaterThan(0.8);
    expect(kinh).toBeLessThan(0.92);
    const none = population.people.filter((p) => p.religion === 'Không').length / population.people.length;
    expect(none).toBeGreaterThan(0.78);
    expect(none).toBeLessThan(0.92);
    const dead = population.people.filter((p) => p.diedOn >= 0).length / population.people.length;
    expect(dead).toBeGreaterThan(0.01);
    expect(dead).toBeLessThan(0.1);
  });

  it('builds households of families: one living head, linked spouses, parents at least 15 years older', () => {
    const asOf = dayOf(AS_OF);
    for (const household of population.households) {
      const heads = household.members.filter((m) => m.relation === 'head');
      expect(heads).toEqual([household.head]);
      expect(household.head.diedOn).toBe(-1);
      for (const member of household.members) expect(member.household).toBe(household);
    }
    for (const person of population.people) {
      const state = fold(personEvents(person));
      if (state.maritalStatus === 'married') {
        const spouse = person.spouse!;
        expect(spouse.spouse).toBe(person);
        expect(spouse.sex).not.toBe(person.sex);
        const spouseState = fold(personEvents(spouse));
        if (state.dateOfDeath) {
          // Died married: the survivor is widowed (and, as recordDeath does, no longer points back).
          expect(spouseState.maritalStatus).toBe('widowed');
          expect(spouse.endedOn).toBe(person.diedOn);
        } else {
          expect(spouseState.maritalStatus).toBe('married');
          expect(spouseState.spouseIdNumber).toBe(person.idNumber);
        }
        // Married at or above the legal age (men 20, women 18).
        const years = (day: number) => (person.marriedOn - day) / 365.2425;
        expect(years(person.sex === 'male' ? person.dob : spouse.dob)).toBeGreaterThanOrEqual(20);
        expect(years(person.sex === 'female' ? person.dob : spouse.dob)).toBeGreaterThanOrEqual(18);
      }
      if (state.maritalStatus === 'widowed') expect(person.spouse!.diedOn).toBeGreaterThan(0);
      if (state.maritalStatus === 'divorced') expect(person.spouse!.ended).toBe('divorced');
      for (const parent of [person.father, person.mother]) {
        if (!parent) continue;
        expect(isoOf(parent.dob) <= isoOf(person.dob).replace(/^\d{4}/, (y) => String(Number(y) - 15))).toBe(
          true,
        );
      }
      if (person.father) expect(person.father.sex).toBe('male');
      if (person.mother) expect(person.mother.sex).toBe('female');
      const events = personEvents(person);
      for (let i = 1; i < events.length; i++)
        expect(events[i]!.effectiveDate >= events[i - 1]!.effectiveDate).toBe(true);
      expect(events.at(-1)!.effectiveDate <= AS_OF).toBe(true);
      expect(person.dob).toBeLessThan(asOf);
    }
    const relations = new Set(population.people.map((p) => p.relation));
    for (const relation of ['head', 'spouse', 'child', 'parent', 'grandchild', 'child_in_law'])
      expect(relations.has(relation as never)).toBe(true);
  });

  it('restricts the population to one province', () => {
    const hcmc = generate({ people: 800, province: '79' });
    for (const person of hcmc.people) expect(person.household.commune.provinceCode).toBe('79');
  });

  it('continues ID sequences after a previous seed and skips numbers taken otherwise', () => {
    const first = generate({ people: 2000 });
    const counters = new Map<string, number>();
    for (const person of first.people) {
      const prefix = person.idNumber.slice(0, 6);
      counters.set(prefix, (counters.get(prefix) ?? 0) + 1);
    }
    const plain = generate({ people: 2000, seed: 9 });
    const taken = plain.people.slice(0, 50).map((p) => p.idNumber);
    const second = generate({ people: 2000, seed: 9, idCounters: [...counters], takenIdNumbers: taken });
    const ids = new Set(first.people.map((p) => p.idNumber));
    for (const person of second.people) {
      expect(ids.has(person.idNumber)).toBe(false);
      expect(taken.includes(person.idNumber)).toBe(false);
    }
  });
});
