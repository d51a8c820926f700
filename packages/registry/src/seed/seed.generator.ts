import { hash } from 'node:crypto';
import { csvField } from '@dinhdanh/db';
import { foldVietnamese } from '@dinhdanh/kernel';
import { idNumberPrefix, permutedSerial } from '../id-number/id-number.ts';
import { demoFingerprintTemplateHash } from '../person/development-biometrics.ts';
import type { MaritalStatus, RelationToHead, Sex } from '../person/person.schema.ts';
import { Random, ranked, Weighted } from './prng.ts';
import { SortedTableText, TableText } from './seed.copy-text.ts';
import {
  apProvinces,
  banNames,
  banProvinces,
  bloodTypes,
  buonNames,
  cmndRegionByProvincePre2025,
  defaultEthnicMix,
  defaultKinhReligion,
  defaultMigrantShare,
  type EthnicGroup,
  ethnicGroups,
  ethnicMixByProvince,
  givenNames,
  highlandProvinces,
  kinhReligionByProvince,
  middleNames,
  migrantShare,
  mobilePrefixes,
  type NameStyle,
  streetNames,
  villageNames,
} from './seed.data.ts';
import { birthday, dayOf, isoOf, yearOf, yearsToDays } from './seed.dates.ts';
import {
  type Commune,
  loadReference,
  type OldWard,
  type Province,
  type Reference,
} from './seed.reference.ts';

/** What the generator needs; the service fills it from the caller's options and the database. */
export interface GeneratorOptions {
  people: number;
  seed: number;
  /** Only this 2025 province (2 digits). */
  province?: string | undefined;
  /** People per batch (a batch is closed after the household that reaches it). */
  batchSize: number;
  /** The date the population is as of (ages, "today"); events are recorded at it. */
  asOf: string;
  firstHouseholdId: number;
  /** Per ID prefix PPPGYY, the first serial index to use (a previous seed's people are there). */
  idCounters?: readonly (readonly [string, number])[] | undefined;
  /** ID numbers already taken that the counters could meet (people not created by a seed). */
  takenIdNumbers?: readonly string[] | undefined;
  /** Keep the generated people and households as objects in each batch (tests only). */
  keepObjects?: boolean | undefined;
}

export interface SeedHousehold {
  id: number;
  commune: Commune;
  detail: string;
  residenceFileNumber: string;
  head: SeedPerson;
  members: SeedPerson[];
}

export interface SeedPerson {
  idNumber: string;
  oldIdNumber: string | null;
  fullName: string;
  /** The full name's UTF-8 bytes as a one-byte string (see encoding). */
  fullName8: string;
  /** foldVietnamese(fullName), as UTF-8 bytes. */
  nameKey: string;
  /** The family (or clan) name children of this lineage carry. */
  familyName: string;
  group: EthnicGroup;
  sex: Sex;
  dob: number;
  /** Where the birth was registered: a pre-2025 ward, or (born after the reform) a 2025 commune. */
  registration: { ward: OldWard | null; code: string; idProvince: string; placeOfBirth: string };
  origin: OldWard;
  religion: string;
  bloodType: string | null;
  household: SeedHousehold;
  relation: RelationToHead;
  father: SeedPerson | null;
  mother: SeedPerson | null;
  spouse: SeedPerson | null;
  /** Day of marriage, or -1. */
  marriedOn: number;
  ended: 'divorced' | 'widowed' | null;
  endedOn: number;
  diedOn: number;
  phone: string | null;
  hasFace: boolean;
  /**
   * Day the face and fingerprint references were taken — with the first chip card (from 2021,
   * at 14 at the earliest) — or -1 (under 14).
   */
  enrolledOn: number;
  /** Set while encoding. */
  version: number;
}

/**
 * One batch of COPY input (CSV, UTF-8), table by table, in chunks of about 1 MB. Each chunk
 * has an ArrayBuffer of its own, so a worker can transfer it without copying.
 */
export interface SeedBatch {
  people: number;
  households: number;
  personEvents: number;
  householdEvents: number;
  household: Uint8Array[];
  householdEvent: Uint8Array[];
  person: Uint8Array[];
  personEvent: Uint8Array[];
  objects?: { people: SeedPerson[]; households: SeedHousehold[] };
}

export const SEED_ACTOR = 'system:seed';
// Shown to officers in a person's history, so in Vietnamese; written unquoted into COPY text
// (no commas, quotes or backslashes).
export const SEED_REASON = 'Dân cư mô phỏng để trình diễn';
export const SEED_LEGAL_BASIS = 'Dữ liệu mô phỏng của dinhdanh (không phải dữ liệu thật)';
/** The seed's event text as the UTF-8 bytes COPY reads, one byte per character (see encode). */
const SEED_JUSTIFICATION = [SEED_REASON, SEED_LEGAL_BASIS]
  .map((text) => Buffer.from(text, 'utf8').toString('latin1'))
  .join(',');

/** Text for JSON inside a quoted CSV field: the caller guarantees no quotes, backslashes or controls. */
const j = (text: string) => `""${text}""`;
const jOrNull = (text: string | null) => (text === null ? 'null' : `""${text}""`);

// Quotes, backslashes and C0 controls would need escaping in JSON.
const unsafeText = new RegExp(`["\\\\${String.fromCharCode(0)}-${String.fromCharCode(31)}]`);

function assertPlain(text: string, what: string): string {
  if (unsafeText.test(text) || text !== text.trim() || text !== text.normalize('NFC'))
    throw new Error(`${what} "${text}" must be NFC text without quotes, backslashes or control characters`);
  return text;
}

interface Place {
  province: Province;
  commune: Commune;
  localWard: OldWard;
}

interface Group {
  group: EthnicGroup;
  families: Weighted<string>;
  givenMale: Weighted<string> | null;
  givenFemale: Weighted<string> | null;
  religions: Weighted<string> | null;
}

/** Precomputed encodings of a ward (registration and origin) and of an old province. */
interface WardText {
  regJson: string;
  originCsv: string;
  originJson: string;
}

type PersonSpec = {
  sex: Sex;
  dob: number;
  group: Group;
  familyName?: string | undefined;
  place: Place;
  religion: string;
  /** Where the birth was registered; local ward when absent (or the migrant draw says otherwise). */
  registration?: OldWard | undefined;
  migrantShare?: number | undefined;
  father?: SeedPerson | null;
  mother?: SeedPerson | null;
};

/**
 * Generates a synthetic population family by family, deterministically from a seed, and encodes
 * it batch by batch as COPY text for registry.household, registry.household_event,
 * registry.person and registry.person_event. Memory stays constant: a batch is built, handed out
 * and dropped; only the per-prefix ID counters (about 13,000 numbers) live across batches.
 */
export class PopulationGenerator {
  private readonly random: Random;
  private readonly reference: Reference;
  private readonly asOf: number;
  private readonly recordedAt: string;
  private readonly options: GeneratorOptions;
  private readonly provinceChoice: Weighted<Province> | Province;
  private readonly groups: Map<string, Group>;
  private readonly groupMix = new Map<string, Weighted<Group>>();
  private readonly kinhReligion = new Map<string, Weighted<string>>();
  private readonly names: {
    middle: Record<Sex, { older: Weighted<string>; younger: Weighted<string> }>;
    given: Record<Sex, { older: Weighted<string>; younger: Weighted<string> }>;
  };
  private readonly blood = new Weighted(bloodTypes);
  private readonly phonePrefixes = new Weighted(mobilePrefixes);
  private readonly idCounters: Map<string, number>;
  private readonly idSlots = new Map<number, { prefix: string; salt: number; next: number }>();
  private readonly taken: Set<string>;
  private readonly phoneCounters = new Map<string, number>();
  private readonly cmndCounters = new Map<string, number>();
  private readonly foldCache = new Map<string, string>();
  private readonly utf8Cache = new Map<string, string>();
  private readonly fieldCache = new Map<string, { csv: string; json: string }>();
  private readonly wardText = new Map<OldWard, WardText>();
  private readonly salt: number;
  private nextHouseholdId: number;
  private generated = 0;

  constructor(options: GeneratorOptions, reference: Reference = loadReference()) {
    if (!Number.isInteger(options.people) || options.people < 0) throw new RangeError('people must be ≥ 0');
    this.options = options;
    this.reference = reference;
    this.random = new Random(options.seed);
    this.salt = Math.abs(Math.trunc(options.seed)) % 1_000_003;
    this.asOf = dayOf(options.asOf);
    this.recordedAt = `${options.asOf} 00:00:00+00`;
    this.nextHouseholdId = options.firstHouseholdId;
    this.idCounters = new Map(options.idCounters ?? []);
    this.taken = new Set(options.takenIdNumbers ?? []);
    if (options.province) {
      const province = reference.provinces.get(options.province);
      if (!province) throw new RangeError(`${options.province} is not a 2025 province code`);
      this.provinceChoice = province;
    } else this.provinceChoice = reference.provinceWeights;

    this.groups = new Map(
      ethnicGroups.map((group) => {
        for (const [name] of group.families) assertPlain(name || 'x', 'family name');
        return [
          group.name,
          {
            group,
            families: new Weighted(group.families),
            givenMale: group.givenMale ? ranked(group.givenMale.map((n) => assertPlain(n, 'name'))) : null,
            givenFemale: group.givenFemale
              ? ranked(group.givenFemale.map((n) => assertPlain(n, 'name')))
              : null,
            religions: group.religions.length > 0 ? new Weighted(group.religions) : null,
          },
        ];
      }),
    );
    const weighted = (list: readonly (readonly [string, number])[]) =>
      new Weighted(list.map(([name, weight]) => [assertPlain(name, 'name'), weight] as const));
    this.names = {
      middle: {
        male: { older: weighted(middleNames.male.older), younger: weighted(middleNames.male.younger) },
        female: { older: weighted(middleNames.female.older), younger: weighted(middleNames.female.younger) },
      },
      given: {
        male: { older: ranked(givenNames.male.older), younger: ranked(givenNames.male.younger) },
        female: { older: ranked(givenNames.female.older), younger: ranked(givenNames.female.younger) },
      },
    };
    for (const province of reference.provinces.values()) {
      const mix = ethnicMixByProvince[province.code] ?? defaultEthnicMix;
      this.groupMix.set(
        province.code,
        new Weighted(
          mix.map(([name, weight]) => {
            const group = this.groups.get(name);
            if (!group) throw new Error(`unknown ethnic group ${name}`);
            return [group, weight] as const;
          }),
        ),
      );
      const religions = kinhReligionByProvince[province.code] ?? defaultKinhReligion;
      const sum = religions.reduce((total, [, weight]) => total + weight, 0);
      this.kinhReligion.set(province.code, new Weighted([['Không', 100 - sum], ...religions]));
    }
  }

  /** People still to generate. */
  get remaining(): number {
    return this.options.people - this.generated;
  }

  /** The next batch, or undefined when the population is complete. */
  nextBatch(): SeedBatch | undefined {
    if (this.remaining <= 0) return undefined;
    const out = new BatchWriter(this.options.keepObjects === true);
    while (out.people < this.options.batchSize && this.remaining > 0) {
      let households = this.family();
      const size = households.reduce((total, household) => total + household.members.length, 0);
      if (size > this.remaining) {
        // The last family does not fit: finish with one-person households of young adults.
        this.rollback(households);
        households = [this.youngSingle()];
      }
      this.generated += households.reduce((total, household) => total + household.members.length, 0);
      for (const household of households) this.encodeHousehold(household, out);
    }
    return out.finish();
  }

  // ——— families ———

  private family(): SeedHousehold[] {
    const r = this.random.next();
    if (r < 0.11) return this.single();
    if (r < 0.7) return this.couple();
    if (r < 0.89) return this.threeGenerations();
    return this.singleParent();
  }

  private rollback(households: SeedHousehold[]): void {
    // ID numbers drawn for a family that is dropped stay unused: counters only move forward, so
    // nothing can clash; the households' ids are reused.
    this.nextHouseholdId = Math.min(...households.map((household) => household.id));
  }

  private place(province?: Province): Place {
    const p =
      province ??
      (this.provinceChoice instanceof Weighted
        ? this.provinceChoice.sample(this.random)
        : this.provinceChoice);
    const old = p.oldProvinces.sample(this.random);
    const commune = p.communesByOldProvince.get(old.code)!.sample(this.random);
    const wards = commune.oldWards.length > 0 ? commune.oldWards : commune.oldProvince.wards;
    return { province: p, commune, localWard: this.random.pick(wards) };
  }

  private newHousehold(place: Place): SeedHousehold {
    const id = this.nextHouseholdId++;
    return {
      id,
      commune: place.commune,
      detail: this.addressDetail(place),
      residenceFileNumber: `${place.commune.code}-${String(id).padStart(8, '0')}`,
      head: undefined as unknown as SeedPerson,
      members: [],
    };
  }

  private groupFor(place: Place): Group {
    return this.groupMix.get(place.province.code)!.sample(this.random);
  }

  private spouseGroup(group: Group, place: Place): Group {
    if (this.random.chance(0.92)) return group;
    return group.group.name === 'Kinh' ? this.groupFor(place) : this.groups.get('Kinh')!;
  }

  private religionFor(group: Group, place: Place): string {
    return (group.religions ?? this.kinhReligion.get(place.province.code)!).sample(this.random);
  }

  private ageDays(years: number): number {
    return this.asOf - yearsToDays(years) - this.random.int(365);
  }

  /** A wife's age in a couple household, in years: calibrated so the population follows the pyramid. */
  private coupleWifeAge(): number {
    return this.random.uniform(...ageBands(coupleWifeBands.sample(this.random)));
  }

  private single(): SeedHousehold[] {
    const r = this.random.next();
    if (r < 0.45) return [this.youngSingle()];
    const place = this.place();
    const household = this.newHousehold(place);
    const group = this.groupFor(place);
    const religion = this.religionFor(group, place);
    if (r < 0.87) {
      // An elderly widow(er); the late spouse stays on the household's records.
      const sex: Sex = this.random.chance(0.78) ? 'female' : 'male';
      const dob = this.ageDays(this.random.uniform(60, 92));
      const survivor = this.person(household, 'head', { sex, dob, group, place, religion });
      const late = this.person(household, 'spouse', {
        sex: sex === 'male' ? 'female' : 'male',
        dob: clampDob(
          dob + yearsToDays(sex === 'male' ? this.random.uniform(-1, 8) : this.random.uniform(-8, 1)),
        ),
        group: this.spouseGroup(group, place),
        place,
        religion,
      });
      const [husband, wife] = sex === 'male' ? [survivor, late] : [late, survivor];
      this.marry(husband, wife, this.marriageDay(husband, wife));
      const earliest = Math.max(late.marriedOn + 365, late.dob + yearsToDays(50));
      this.die(late, this.between(earliest, this.asOf - 30), survivor);
      return [household];
    }
    // A middle-aged person who never married.
    this.person(household, 'head', {
      sex: this.random.chance(0.55) ? 'male' : 'female',
      dob: this.ageDays(this.random.uniform(35, 65)),
      group,
      place,
      religion,
    });
    return [household];
  }

  /** A young adult living alone (a student or a worker away from home); sometimes with a grandparent. */
  private youngSingle(): SeedHousehold {
    const place = this.place();
    const household = this.newHousehold(place);
    const group = this.groupFor(place);
    const religion = this.religionFor(group, place);
    const share = (migrantShare[place.province.code] ?? defaultMigrantShare) * 2;
    const head = this.person(household, 'head', {
      sex: this.random.chance(0.55) ? 'male' : 'female',
      dob: this.ageDays(this.random.uniform(21, 38)),
      group,
      place,
      religion,
      migrantShare: share,
    });
    if (this.remaining >= 2 && this.random.chance(0.04)) {
      this.person(household, 'grandparent', {
        sex: this.random.chance(0.75) ? 'female' : 'male',
        dob: clampDob(head.dob - yearsToDays(this.random.uniform(45, 60))),
        group,
        place,
        religion,
        registration: this.wardOf(head),
      });
    }
    return household;
  }

  /** A married couple and the children still at home (none yet, or all grown and gone). */
  private couple(): SeedHousehold[] {
    const place = this.place();
    const household = this.newHousehold(place);
    const group = this.groupFor(place);
    const religion = this.religionFor(group, place);
    const { husband, wife } = this.makeCouple(
      household,
      place,
      group,
      religion,
      this.coupleWifeAge(),
      'head',
    );
    const kids = this.children(household, place, religion, husband, wife, 'child');
    this.extras(household, place, group, religion, household.head, kids);
    return [household];
  }

  /** Grandparents (one or both), a married child with spouse, and grandchildren. */
  private threeGenerations(): SeedHousehold[] {
    const place = this.place();
    const household = this.newHousehold(place);
    const group = this.groupFor(place);
    const religion = this.religionFor(group, place);
    const wifeAge = this.random.uniform(...ageBands(threeGenWifeBands.sample(this.random)));
    // Decide first who heads the household; people are created in household order.
    const lineageIsHusband = this.random.chance(0.8);
    // Both grandparents alive in half the households; otherwise more often the grandmother.
    const alive = this.random.next();
    const grandfatherAlive = alive < 0.5 || alive >= 0.85;
    const grandmotherAlive = alive < 0.85;
    const olderHead = this.random.chance(0.45);

    // Ages: the middle couple first (as numbers), then the grandparents from the lineage child.
    const wifeDob = this.ageDays(wifeAge);
    const husbandDob = clampDob(wifeDob - yearsToDays(this.husbandGap()), this.asOf - yearsToDays(20.5));
    const lineageDob = lineageIsHusband ? husbandDob : wifeDob;
    // Nobody alive is older than about 99.
    const lineageAge = (this.asOf - lineageDob) / 365.2425;
    const motherGap = this.random.uniform(20, Math.max(20.5, Math.min(34, 98 - lineageAge)));
    const grandmotherDob = clampDob(lineageDob - yearsToDays(motherGap));
    const fatherGap = Math.min(this.husbandGap(), Math.max(0, 98 - lineageAge - motherGap));
    const grandfatherDob = clampDob(
      Math.min(grandmotherDob - yearsToDays(fatherGap), lineageDob - yearsToDays(21)),
    );

    const middleSex: Sex = lineageIsHusband ? 'male' : 'female';
    const lineageSpec = { sex: middleSex, dob: lineageDob, group, place, religion } as const;
    let grandfather: SeedPerson;
    let grandmother: SeedPerson;
    let lineage: SeedPerson;
    const inLawGroup = this.spouseGroup(group, place);
    const inLawSpec = {
      sex: (lineageIsHusband ? 'female' : 'male') as Sex,
      dob: lineageIsHusband ? wifeDob : husbandDob,
      group: inLawGroup,
      place,
      religion,
    };
    if (olderHead) {
      const first: Sex = grandfatherAlive ? 'male' : 'female';
      const headSpec = { dob: first === 'male' ? grandfatherDob : grandmotherDob, group, place, religion };
      const head = this.person(household, 'head', { ...headSpec, sex: first });
      const other = this.person(household, 'spouse', {
        sex: first === 'male' ? 'female' : 'male',
        dob: first === 'male' ? grandmotherDob : grandfatherDob,
        group: this.spouseGroup(group, place),
        place,
        religion,
        registration: this.wardOf(head),
      });
      [grandfather, grandmother] = first === 'male' ? [head, other] : [other, head];
      lineage = this.person(household, 'child', {
        ...lineageSpec,
        familyName: grandfather.familyName,
        registration: this.random.chance(0.85) ? this.wardOf(grandfather) : undefined,
        father: grandfather,
        mother: grandmother,
      });
    } else {
      lineage = this.person(household, 'head', lineageSpec);
      grandfather = this.person(household, 'parent', {
        sex: 'male',
        dob: grandfatherDob,
        group,
        familyName: lineage.familyName,
        place,
        religion,
        registration: this.wardOf(lineage),
      });
      grandmother = this.person(household, 'parent', {
        sex: 'female',
        dob: grandmotherDob,
        group: this.spouseGroup(group, place),
        place,
        religion,
        registration: this.wardOf(lineage),
      });
      lineage.father = grandfather;
      lineage.mother = grandmother;
      lineage.origin = grandfather.origin;
    }
    const inLaw = this.person(household, olderHead ? 'child_in_law' : 'spouse', inLawSpec);
    const [husband, wife] = lineageIsHusband ? [lineage, inLaw] : [inLaw, lineage];
    this.marry(grandfather, grandmother, this.marriageDay(grandfather, grandmother, lineage.dob));
    if (!(grandfatherAlive && grandmotherAlive)) {
      const late = grandfatherAlive ? grandmother : grandfather;
      const survivor = grandfatherAlive ? grandfather : grandmother;
      const earliest = Math.max(
        lineage.dob + yearsToDays(15),
        late.dob + yearsToDays(48),
        late.marriedOn + 365,
      );
      this.die(late, this.between(earliest, this.asOf - 30), survivor);
    }
    this.marry(husband, wife, this.marriageDay(husband, wife));
    const kids = this.children(household, place, religion, husband, wife, olderHead ? 'grandchild' : 'child');
    this.extras(household, place, group, religion, lineage, kids);
    return [household];
  }

  /** A widowed, divorced or never-married parent with children; a divorced ex-spouse lives apart. */
  private singleParent(): SeedHousehold[] {
    const place = this.place();
    const household = this.newHousehold(place);
    const group = this.groupFor(place);
    const religion = this.religionFor(group, place);
    const r = this.random.next();
    const parentIsMother = this.random.chance(r < 0.35 ? 0.75 : 0.82);
    const wifeAge = this.random.uniform(24, 58);
    if (r < 0.8) {
      const headRole: RelationToHead = 'head';
      const { husband, wife } = this.makeCouple(
        household,
        place,
        group,
        religion,
        wifeAge,
        headRole,
        parentIsMother,
      );
      const parent = parentIsMother ? wife : husband;
      const other = parentIsMother ? husband : wife;
      const kids = this.children(household, place, religion, husband, wife, 'child', 1);
      const youngest = kids.reduce((latest, kid) => Math.max(latest, kid.dob), husband.marriedOn);
      if (r < 0.35) {
        // Widowed: the late spouse stays on the household's records.
        this.die(other, this.between(Math.max(youngest, husband.marriedOn) + 200, this.asOf - 30), parent);
        return [household];
      }
      // Divorced: the ex-spouse moves out to a household of their own in the same province.
      const otherPlace = this.place(place.province);
      const apart = this.newHousehold(otherPlace);
      household.members.splice(household.members.indexOf(other), 1);
      other.household = apart;
      other.relation = 'head';
      apart.head = other;
      apart.members.push(other);
      this.divorce(husband, wife, this.between(Math.max(youngest, husband.marriedOn) + 365, this.asOf - 30));
      return [household, apart];
    }
    // A mother who never married, with one or two children; the father is not recorded.
    const mother = this.person(household, 'head', {
      sex: 'female',
      dob: this.ageDays(this.random.uniform(22, 45)),
      group,
      place,
      religion,
    });
    const count = this.random.chance(0.7) ? 1 : 2;
    let day = Math.max(mother.dob + yearsToDays(this.random.uniform(19, 30)), birthday(mother.dob, 18));
    for (let i = 0; i < count && day < this.asOf - 30; i++) {
      this.child(household, place, religion, null, mother, day, 'child');
      day += yearsToDays(this.random.uniform(2, 6));
    }
    return [household];
  }

  // ——— building blocks ———

  private husbandGap(): number {
    return Math.min(12, Math.max(-2, this.random.normal(3.5, 3)));
  }

  /**
   * A husband and wife, created in household order (the husband first unless the wife heads the
   * household), married at a plausible date.
   */
  private makeCouple(
    household: SeedHousehold,
    place: Place,
    group: Group,
    religion: string,
    wifeAge: number,
    headRole: RelationToHead,
    wifeIsHead = this.random.chance(0.18),
  ): { husband: SeedPerson; wife: SeedPerson } {
    const wifeDob = this.ageDays(wifeAge);
    const husbandDob = clampDob(wifeDob - yearsToDays(this.husbandGap()), this.asOf - yearsToDays(20.5));
    const other = this.spouseGroup(group, place);
    const husbandSpec = { sex: 'male' as Sex, dob: husbandDob, place, religion };
    const wifeSpec = { sex: 'female' as Sex, dob: wifeDob, place, religion };
    let husband: SeedPerson;
    let wife: SeedPerson;
    if (wifeIsHead) {
      wife = this.person(household, headRole, { ...wifeSpec, group });
      husband = this.person(household, 'spouse', { ...husbandSpec, group: other });
    } else {
      husband = this.person(household, headRole, { ...husbandSpec, group });
      wife = this.person(household, 'spouse', { ...wifeSpec, group: other });
    }
    this.marry(husband, wife, this.marriageDay(husband, wife));
    return { husband, wife };
  }

  /** A marriage date: after both reach the legal age (men 20, women 18), before `before` if given. */
  private marriageDay(husband: SeedPerson, wife: SeedPerson, before?: number): number {
    const legal = Math.max(birthday(husband.dob, 20), birthday(wife.dob, 18)) + 1;
    const latest = Math.min(before === undefined ? this.asOf - 30 : before - 200, this.asOf - 30);
    const wish = wife.dob + yearsToDays(Math.max(18.2, this.random.normal(23.5, 3)));
    if (latest <= legal) return legal;
    return Math.min(latest, Math.max(legal, wish));
  }

  private marry(husband: SeedPerson, wife: SeedPerson, day: number): void {
    husband.spouse = wife;
    wife.spouse = husband;
    husband.marriedOn = day;
    wife.marriedOn = day;
  }

  private divorce(husband: SeedPerson, wife: SeedPerson, day: number): void {
    for (const p of [husband, wife]) {
      p.ended = 'divorced';
      p.endedOn = day;
    }
  }

  private die(person: SeedPerson, day: number, survivor: SeedPerson): void {
    person.diedOn = day;
    person.phone = null;
    survivor.ended = 'widowed';
    survivor.endedOn = day;
  }

  private between(lo: number, hi: number): number {
    return hi <= lo ? Math.max(0, Math.min(hi, lo)) : this.random.between(lo, hi);
  }

  /** Children born to a couple and still living at home (they leave around marriage age). */
  private children(
    household: SeedHousehold,
    place: Place,
    religion: string,
    father: SeedPerson,
    mother: SeedPerson,
    role: RelationToHead,
    minimum = 0,
  ): SeedPerson[] {
    const born = yearOf(mother.dob);
    const count = Math.max(minimum, childrenWeights(born).sample(this.random));
    const kids: SeedPerson[] = [];
    const firstPossible = Math.max(
      mother.marriedOn + 200,
      birthday(mother.dob, 18),
      birthday(father.dob, 20),
    );
    let day = Math.max(firstPossible, mother.marriedOn + yearsToDays(this.random.uniform(0.8, 2.5)));
    const lastPossible = Math.min(this.asOf - 1, birthday(mother.dob, 45));
    for (let i = 0; i < count; i++) {
      if (day > lastPossible) {
        if (kids.length >= minimum) break;
        day = this.between(firstPossible, lastPossible);
      }
      const ageNow = (this.asOf - day) / 365.2425;
      const leaves = this.random.uniform(18, 29);
      if (ageNow < leaves || (minimum > 0 && kids.length < minimum))
        kids.push(this.child(household, place, religion, father, mother, day, role));
      day += yearsToDays(this.random.uniform(1.6, 6));
    }
    return kids;
  }

  private child(
    household: SeedHousehold,
    place: Place,
    religion: string,
    father: SeedPerson | null,
    mother: SeedPerson,
    day: number,
    role: RelationToHead,
  ): SeedPerson {
    const matrilineal = mother.group.style === 'ede' || mother.group.style === 'jrai';
    const lineage = father && !matrilineal ? father : mother;
    const group = this.groups.get(lineage.group.name)!;
    return this.person(household, role, {
      sex: this.random.chance(0.512) ? 'male' : 'female',
      dob: day,
      group,
      familyName: lineage.familyName,
      place,
      religion,
      father,
      mother,
    });
  }

  /** Now and then a sibling, a niece or nephew, or an unrelated person lives in the household too. */
  private extras(
    household: SeedHousehold,
    place: Place,
    group: Group,
    religion: string,
    lineage: SeedPerson,
    kids: SeedPerson[],
  ): void {
    const r = this.random.next();
    if (r < 0.02) {
      // The head's unmarried sibling; the same parents when they live here too.
      const head = household.head;
      const dob = clampDob(head.dob + yearsToDays(this.random.uniform(-8, 10)), this.asOf - yearsToDays(16));
      const father = head.father;
      const mother = head.mother;
      const ok =
        (!father || dob >= birthday(father.dob, 20)) &&
        (!mother || (dob >= birthday(mother.dob, 18) && dob <= birthday(mother.dob, 45)));
      if (!ok) return;
      this.person(household, 'sibling', {
        sex: this.random.chance(0.5) ? 'male' : 'female',
        dob,
        group: this.groups.get(head.group.name)!,
        familyName: head.familyName,
        place,
        religion,
        registration: this.wardOf(head),
        father: father ?? null,
        mother: mother ?? null,
      });
    } else if (r < 0.035) {
      this.person(household, 'other_relative', {
        sex: this.random.chance(0.5) ? 'male' : 'female',
        dob: this.ageDays(this.random.uniform(10, 25)),
        group,
        familyName: lineage.familyName,
        place,
        religion,
        registration: this.wardOf(lineage),
      });
    } else if (r < 0.04 && kids.length > 0) {
      const other = this.groupFor(place);
      this.person(household, 'other', {
        sex: this.random.chance(0.7) ? 'female' : 'male',
        dob: this.ageDays(this.random.uniform(18, 55)),
        group: other,
        place,
        religion: this.religionFor(other, place),
        migrantShare: 0.5,
      });
    }
  }

  private wardOf(person: SeedPerson): OldWard | undefined {
    return person.registration.ward ?? undefined;
  }

  // ——— one person ———

  private person(household: SeedHousehold, relation: RelationToHead, spec: PersonSpec): SeedPerson {
    const random = this.random;
    const { sex, dob, group, place } = spec;
    const birthYear = yearOf(dob);
    const name = this.name(group, sex, birthYear, place.province.code, spec.familyName);

    let registration: SeedPerson['registration'];
    let ward: OldWard;
    if (dob >= REFORM_DAY) {
      // Born after the 2025 reform: registered in the 2025 commune; ID numbers keep the old code.
      ward = place.localWard;
      registration = {
        ward: null,
        code: place.commune.code,
        idProvince: place.commune.oldProvince.idCode,
        placeOfBirth: place.province.fullName,
      };
    } else {
      const share = spec.migrantShare ?? migrantShare[place.province.code] ?? defaultMigrantShare;
      ward =
        spec.registration ??
        (spec.father || spec.mother || !random.chance(share) ? place.localWard : this.migrantWard(place));
      registration = {
        ward,
        code: ward.code,
        idProvince: ward.province.idCode,
        placeOfBirth: ward.province.fullName,
      };
    }
    const father = spec.father ?? null;
    const age = (this.asOf - dob) / 365.2425;
    const idNumber = this.idNumber(registration.idProvince, birthYear, sex);
    const person: SeedPerson = {
      idNumber,
      oldIdNumber:
        (birthYear < 2000 && random.chance(0.85)) || (birthYear < 2003 && random.chance(0.3))
          ? this.cmnd(registration.idProvince.slice(1))
          : null,
      fullName: name.fullName,
      fullName8: name.fullName8,
      nameKey: name.nameKey,
      familyName: name.familyName,
      group: group.group,
      sex,
      dob,
      registration,
      origin: father ? father.origin : ward,
      religion: spec.religion,
      bloodType: random.chance(0.6) ? this.blood.sample(random) : null,
      household,
      relation,
      father,
      mother: spec.mother ?? null,
      spouse: null,
      marriedOn: -1,
      ended: null,
      endedOn: -1,
      diedOn: -1,
      phone: age >= 16 && random.chance(age < 70 ? 0.93 : 0.6) ? this.phone() : null,
      hasFace: age >= 14,
      enrolledOn: age >= 14 ? Math.min(this.asOf, Math.max(birthday(dob, 14), CHIP_CARDS_FROM)) : -1,
      version: 0,
    };
    if (relation === 'head') household.head = person;
    household.members.push(person);
    return person;
  }

  private migrantWard(place: Place): OldWard {
    for (;;) {
      const old = this.reference.oldProvinceWeights.sample(this.random);
      if (old.newProvinceCode !== place.province.code || this.random.chance(0.1))
        return this.random.pick(old.wards);
    }
  }

  /** The next ID number of a prefix: permutedSerial of the prefix's counter, salted with the prefix. */
  private idNumber(provinceCode: string, birthYear: number, sex: Sex): string {
    const key = Number(provinceCode) * 1000 + (birthYear - 1900) * 2 + (sex === 'female' ? 1 : 0);
    let slot = this.idSlots.get(key);
    if (!slot) {
      const prefix = idNumberPrefix(provinceCode, birthYear, sex);
      slot = { prefix, salt: Number(prefix), next: this.idCounters.get(prefix) ?? 0 };
      this.idSlots.set(key, slot);
    }
    for (;;) {
      if (slot.next >= 1_000_000)
        throw new Error(
          `ID prefix ${slot.prefix} has no serials left (a million people of one province, year and sex)`,
        );
      const idNumber = slot.prefix + permutedSerial(slot.next++, slot.salt);
      if (this.taken.size === 0 || !this.taken.has(idNumber)) return idNumber;
    }
  }

  /** An old 9-digit CMND number: the region code of the province, then a distinct 7-digit number. */
  private cmnd(oldProvinceCode: string): string {
    const region = cmndRegionByProvincePre2025[oldProvinceCode] ?? '01';
    const n = this.cmndCounters.get(region) ?? 0;
    this.cmndCounters.set(region, n + 1);
    return region + permute7(n, 3_141_593, this.salt + Number(region));
  }

  /** A mobile number, distinct within a seed: a carrier prefix and a permuted 7-digit counter. */
  private phone(): string {
    const prefix = this.phonePrefixes.sample(this.random);
    const n = this.phoneCounters.get(prefix) ?? 0;
    this.phoneCounters.set(prefix, n + 1);
    return prefix + permute7(n, 7_654_321, this.salt + Number(prefix));
  }

  private name(
    g: Group,
    sex: Sex,
    birthYear: number,
    provinceCode: string,
    familyName?: string,
  ): { fullName: string; fullName8: string; nameKey: string; familyName: string } {
    const random = this.random;
    const generation = birthYear < 1985 ? 'older' : 'younger';
    const family = familyName ?? this.familyName(g, provinceCode);
    const kinhGiven = () => this.names.given[sex][generation].sample(random);
    const ownGiven = () => {
      const list = sex === 'male' ? g.givenMale : g.givenFemale;
      return list && random.chance(g.group.ownGiven ?? 0) ? list.sample(random) : kinhGiven();
    };
    const style: NameStyle = g.group.style;
    let parts: string[];
    if (style === 'kinh') {
      const minority = g.group.name !== 'Kinh';
      const middle =
        minority && random.chance(0.8)
          ? sex === 'male'
            ? 'Văn'
            : 'Thị'
          : this.names.middle[sex][generation].sample(random);
      parts = [family, middle, ownGiven()];
    } else if (style === 'mong') {
      const r = random.next();
      const middle = sex === 'male' ? (r < 0.6 ? 'A' : r < 0.7 ? 'Seo' : 'Văn') : 'Thị';
      parts = [family, middle, ownGiven()];
    } else if (style === 'khmer') {
      parts = sex === 'female' && random.chance(0.6) ? [family, 'Thị', ownGiven()] : [family, ownGiven()];
    } else if (style === 'ede') {
      parts = [sex === 'male' ? `Y ${ownGiven()}` : `H'${ownGiven()}`, family];
    } else if (style === 'jrai') {
      const given = ownGiven();
      parts = [family, sex === 'female' && g.group.name === 'Gia Rai' ? `H'${given}` : given];
    } else {
      parts = [sex === 'male' ? `K'${ownGiven()}` : `Ka ${ownGiven()}`];
    }
    // UTF-8 and folding both work part by part, so both are cached per part.
    let fullName8 = '';
    let nameKey = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      fullName8 += (i > 0 ? ' ' : '') + this.utf8(part);
      nameKey += (i > 0 ? ' ' : '') + this.fold(part);
    }
    return { fullName: parts.join(' '), fullName8, nameKey, familyName: family };
  }

  /** Hoàng/Huỳnh and Vũ/Võ: the southern forms prevail from the centre (province codes ≥ 48) southwards. */
  private familyName(g: Group, provinceCode: string): string {
    const name = g.families.sample(this.random);
    if (g.group.name !== 'Kinh' || (name !== 'Hoàng' && name !== 'Vũ')) return name;
    const code = Number(provinceCode);
    const south = code >= 48 ? 0.75 : code >= 40 ? 0.35 : 0.05;
    if (!this.random.chance(south)) return name;
    return name === 'Hoàng' ? 'Huỳnh' : 'Võ';
  }

  private fold(part: string): string {
    let folded = this.foldCache.get(part);
    if (folded === undefined) {
      folded = this.utf8(foldVietnamese(part));
      this.foldCache.set(part, folded);
    }
    return folded;
  }

  private addressDetail(place: Place): string {
    const random = this.random;
    const code = place.province.code;
    const kind = place.commune.kind;
    if (kind === 'phuong') {
      const street = random.pick(streetNames);
      const n = random.between(1, 350);
      if ((code === '01' || code === '31') && random.chance(0.4))
        return `Số ${n}, ngõ ${random.between(1, 200)}, phố ${street}`;
      if (code === '01' && random.chance(0.5)) return `Số ${n}, phố ${street}`;
      if (apProvinces.has(code) && random.chance(0.4))
        return `Số ${n}/${random.between(1, 80)} đường ${street}`;
      if (random.chance(0.2)) return `Tổ dân phố ${random.between(1, 40)}, đường ${street}`;
      return `Số ${n}, đường ${street}`;
    }
    if (kind === 'dac_khu')
      return random.chance(0.5) ? `Tổ dân phố ${random.between(1, 20)}` : `Thôn ${random.pick(villageNames)}`;
    let village: string;
    if (banProvinces.has(code) && random.chance(0.6)) village = `Bản ${random.pick(banNames)}`;
    else if (highlandProvinces.has(code) && random.chance(0.3)) village = random.pick(buonNames);
    else if (apProvinces.has(code))
      village = `Ấp ${random.chance(0.5) ? random.between(1, 12) : random.pick(villageNames)}`;
    else village = random.chance(0.6) ? `Thôn ${random.pick(villageNames)}` : `Xóm ${random.between(1, 15)}`;
    return random.chance(0.4) ? `Số nhà ${random.between(1, 150)}, ${village}` : village;
  }

  // ——— encoding ———
  //
  // Lines are built as "byte strings": every non-ASCII text goes in as its UTF-8 bytes, one per
  // character (latin1), so lines stay one-byte strings and a chunk becomes the UTF-8 bytes COPY
  // reads with a plain memory copy. JSON sits inside quoted CSV fields, its quotes doubled.

  /** A text's UTF-8 bytes as a one-byte string, cached (for texts from bounded sets). */
  private utf8(text: string): string {
    let bytes = this.utf8Cache.get(text);
    if (bytes === undefined) {
      bytes = Buffer.from(text, 'utf8').toString('latin1');
      this.utf8Cache.set(text, bytes);
    }
    return bytes;
  }

  private text(ward: OldWard): WardText {
    let text = this.wardText.get(ward);
    if (!text) {
      assertPlain(ward.origin, 'place of origin');
      text = {
        regJson: `{""scheme"":""pre2025"",""communeCode"":""${ward.code}"",""detail"":""""}`,
        originCsv: this.utf8(csvField(ward.origin)),
        originJson: this.utf8(j(ward.origin)),
      };
      this.wardText.set(ward, text);
    }
    return text;
  }

  /** A plain text (place of birth, ethnicity, religion) as a CSV field and as a JSON string. */
  private field(value: string): { csv: string; json: string } {
    let field = this.fieldCache.get(value);
    if (!field) {
      assertPlain(value, 'text');
      field = { csv: this.utf8(csvField(value)), json: this.utf8(j(value)) };
      this.fieldCache.set(value, field);
    }
    return field;
  }

  private encodeHousehold(household: SeedHousehold, out: BatchWriter): void {
    const { id, commune, residenceFileNumber } = household;
    const detail = Buffer.from(assertPlain(household.detail, 'address'), 'utf8').toString('latin1');
    const address = `{""scheme"":""2025"",""communeCode"":""${commune.code}"",""detail"":""${detail}""}`;
    const members = household.members;
    const version = members.length + 1;
    const head = household.head.idNumber;
    out.addHousehold(
      `${id},${head},${commune.code},${commune.provinceCode},"${address}",${residenceFileNumber},${version}\n`,
    );
    const prefix = `${id},`;
    const suffix = `,${this.recordedAt},${SEED_ACTOR},${SEED_JUSTIFICATION},"`;
    let events = `${prefix}1,household_created${suffix}{""address"":${address},""headIdNumber"":""${head}"",""residenceFileNumber"":""${residenceFileNumber}""}"\n`;
    for (let i = 0; i < members.length; i++) {
      const member = members[i] as SeedPerson;
      events += `${prefix}${i + 2},member_added${suffix}{""idNumber"":""${member.idNumber}"",""relationToHead"":""${member.relation}""}"\n`;
    }
    out.addHouseholdEvents(events, version);
    for (const member of members) this.encodePerson(member, address, out);
    out.keep(household);
  }

  private encodePerson(p: SeedPerson, address: string, out: BatchWriter): void {
    const household = p.household;
    const reg = p.registration;
    const regJson = reg.ward
      ? this.text(reg.ward).regJson
      : `{""scheme"":""2025"",""communeCode"":""${reg.code}"",""detail"":""""}`;
    const origin = this.text(p.origin);
    const placeOfBirth = this.field(reg.placeOfBirth);
    const ethnicity = this.field(p.group.name);
    const religion = this.field(p.religion);
    const dob = isoOf(p.dob);
    const id = p.idNumber;
    // References only (DOMAIN.md); the fingerprint one is the demo sample's development template.
    const biometrics = p.hasFace
      ? `{""face"":{""templateHash"":""${faceHash(id)}"",""imageKey"":""portraits/${id}.jpg""},` +
        `""fingerprints"":{""templateHash"":""${demoFingerprintTemplateHash(id)}"",""enrolledAt"":""${isoOf(p.enrolledOn)}""}}`
      : '';
    const father = p.father ? p.father.idNumber : null;
    const mother = p.mother ? p.mother.idNumber : null;
    const householdId = household.id;

    // Events: the initial load, then marriage, its end, and death.
    const suffix = `,${this.recordedAt},${SEED_ACTOR},,${SEED_JUSTIFICATION},"`;
    let events =
      `${id},1,initial_load,${dob}${suffix}{""changes"":{""idNumber"":""${id}"",""oldIdNumber"":${jOrNull(p.oldIdNumber)},` +
      `""fullName"":""${p.fullName8}"",""dateOfBirth"":""${dob}"",""sex"":""${p.sex}"",` +
      `""placeOfBirth"":${placeOfBirth.json},""birthRegistrationPlace"":${regJson},""placeOfOrigin"":${origin.originJson},` +
      `""ethnicity"":${ethnicity.json},""religion"":${religion.json},""bloodType"":${jOrNull(p.bloodType)},` +
      `""permanentAddress"":${address},` +
      `""residenceFileNumber"":""${household.residenceFileNumber}"",""householdId"":""${householdId}"",""relationToHead"":""${p.relation}"",` +
      `""fatherIdNumber"":${jOrNull(father)},""motherIdNumber"":${jOrNull(mother)},""phone"":${jOrNull(p.phone)},` +
      `""biometrics"":${biometrics || '{}'}}}"\n`;
    let version = 1;
    let marital: MaritalStatus = 'single';
    let spouse = '';
    if (p.spouse) {
      const spouseId = p.spouse.idNumber;
      version++;
      events += `${id},${version},marriage_registered,${isoOf(p.marriedOn)}${suffix}{""changes"":{""maritalStatus"":""married"",""spouseIdNumber"":""${spouseId}""},""previous"":{""maritalStatus"":""single"",""spouseIdNumber"":null}}"\n`;
      marital = 'married';
      spouse = spouseId;
      if (p.ended) {
        version++;
        const type = p.ended === 'divorced' ? 'divorce_registered' : 'widowed';
        events += `${id},${version},${type},${isoOf(p.endedOn)}${suffix}{""changes"":{""maritalStatus"":""${p.ended}"",""spouseIdNumber"":null},""previous"":{""maritalStatus"":""married"",""spouseIdNumber"":""${spouseId}""}}"\n`;
        marital = p.ended;
        spouse = '';
      }
    }
    let death = '';
    if (p.diedOn >= 0) {
      version++;
      death = isoOf(p.diedOn);
      events += `${id},${version},death_recorded,${death}${suffix}{""changes"":{""dateOfDeath"":""${death}""},""previous"":{""dateOfDeath"":null}}"\n`;
    }
    p.version = version;
    out.addPerson(
      p,
      `${id},${p.oldIdNumber ?? ''},${p.fullName8},${p.nameKey},{},${dob},${p.sex},${placeOfBirth.csv},"${regJson}",${origin.originCsv},${ethnicity.csv},${religion.csv},${VIET_NAM},${p.bloodType ?? ''},"${address}",${household.commune.code},${household.commune.provinceCode},,,,${household.residenceFileNumber},${marital},${householdId},${p.relation},${father ?? ''},${mother ?? ''},${spouse},,,{},${death},,${p.phone ?? ''},,${biometrics ? `"${biometrics}"` : '{}'},[],${version}\n`,
      events,
      version,
    );
  }
}

const REFORM_DAY = dayOf('2025-07-01');
/** Chip ID cards (and the biometrics taken with them) from 2021. */
const CHIP_CARDS_FROM = dayOf('2021-01-01');
const VIET_NAM = Buffer.from('Việt Nam', 'utf8').toString('latin1');

const FIRST_DAY = dayOf('1900-01-01');

function clampDob(day: number, latest = Number.POSITIVE_INFINITY): number {
  return Math.max(FIRST_DAY, Math.min(day, latest));
}

/** n ↦ (a·n + b) mod 10^7, a bijection when a is coprime to 10 — distinct 7-digit numbers. */
function permute7(n: number, a: number, salt: number): string {
  const b = (salt * 104_729) % 10_000_000;
  return String((((a * (n % 10_000_000)) % 10_000_000) + b) % 10_000_000).padStart(7, '0');
}

/** A stand-in face template hash: SHA-256 of a string derived from the ID number (never biometrics). */
export function faceHash(idNumber: string): string {
  return hash('sha256', `dinhdanh-seed-face:${idNumber}`, 'hex');
}

// ——— calibrated age tables ———

/** 5-year bands as [from, to) in years. */
function ageBands(band: number): [number, number] {
  return [band * 5, band * 5 + 5];
}

/** Wife's age band (index × 5 years) in couple households. */
const coupleWifeBands = new Weighted([
  [4, 4.88],
  [5, 11.62],
  [6, 15.22],
  [7, 14.89],
  [8, 13.8],
  [9, 11.66],
  [10, 10.2],
  [11, 8.94],
  [12, 7.56],
  [13, 4.49],
  [14, 1.56],
  [15, 0.98],
  [16, 0.93],
] as const);

/** Middle-generation wife's age band in three-generation households. */
const threeGenWifeBands = new Weighted([
  [4, 5],
  [5, 10],
  [6, 10],
  [7, 9],
  [8, 8],
  [9, 6],
  [10, 4],
] as const);

const childrenByCohort = [
  [
    1950,
    [
      [2, 10],
      [3, 20],
      [4, 25],
      [5, 25],
      [6, 20],
    ],
  ],
  [
    1965,
    [
      [1, 5],
      [2, 20],
      [3, 35],
      [4, 25],
      [5, 15],
    ],
  ],
  [
    1980,
    [
      [1, 8],
      [2, 50],
      [3, 30],
      [4, 12],
    ],
  ],
  [
    1995,
    [
      [1, 15],
      [2, 60],
      [3, 22],
      [4, 3],
    ],
  ],
  [
    9999,
    [
      [0, 5],
      [1, 25],
      [2, 55],
      [3, 15],
    ],
  ],
] as const;
const childrenTables = childrenByCohort.map(
  ([until, weights]) => [until, new Weighted(weights as unknown as (readonly [number, number])[])] as const,
);

function childrenWeights(birthYear: number): Weighted<number> {
  for (const [until, table] of childrenTables) if (birthYear < until) return table;
  return childrenTables[childrenTables.length - 1]![1];
}

/** Accumulates a batch's COPY text. */
class BatchWriter {
  people = 0;
  households = 0;
  personEvents = 0;
  householdEvents = 0;
  private readonly household = new TableText();
  private readonly householdEvent = new TableText();
  private readonly person = new SortedTableText();
  private readonly personEvent = new SortedTableText();
  private readonly objects: { people: SeedPerson[]; households: SeedHousehold[] } | undefined;

  constructor(keepObjects: boolean) {
    this.objects = keepObjects ? { people: [], households: [] } : undefined;
  }

  addHousehold(text: string): void {
    this.households++;
    this.household.add(text);
  }

  addHouseholdEvents(text: string, count: number): void {
    this.householdEvents += count;
    this.householdEvent.add(text);
  }

  addPerson(person: SeedPerson, row: string, events: string, count: number): void {
    this.people++;
    this.personEvents += count;
    this.person.add(person.idNumber, row);
    this.personEvent.add(person.idNumber, events);
    this.objects?.people.push(person);
  }

  keep(household: SeedHousehold): void {
    this.objects?.households.push(household);
  }

  finish(): SeedBatch {
    this.household.flush();
    this.householdEvent.flush();
    return {
      people: this.people,
      households: this.households,
      personEvents: this.personEvents,
      householdEvents: this.householdEvents,
      household: this.household.chunks,
      householdEvent: this.householdEvent.chunks,
      person: this.person.chunks(),
      personEvent: this.personEvent.chunks(),
      ...(this.objects ? { objects: this.objects } : {}),
    };
  }
}
