import type { Db } from '@dinhdanh/db';
import { AppError, vietnamDate } from '@dinhdanh/kernel';
import { type Accessor, DEFAULT_READ_BASIS, recordAccess } from '../audit/registry-audit.ts';
import { appendRegistryChanges, changeTypesOf } from '../change/change-feed.ts';
import type { RegistryContext } from '../context.ts';
import { appendHouseholdEvent, findHousehold } from '../household/household.repository.ts';
import { idNumberPrefix, randomIdNumber } from '../id-number/id-number.ts';
import { idProvinceCodes } from '../id-number/id-province-codes.ts';
import { actorOf, assertCanWrite, type Officer } from '../officer/officer.ts';
import { presentPerson } from '../person/person.presenter.ts';
import * as repo from '../person/person.repository.ts';
import type { Person } from '../person/person.schema.ts';
import { assertIdNumber } from '../person/person.service.ts';
import { applyChanges, type PersonState, stateToRow } from '../person/person.state.ts';
import {
  BirthRegistration,
  type CorrectableField,
  Correction,
  correctableFields,
  DeathRecord,
  DivorceRecord,
  GuardianshipRegistration,
  MarriageRegistration,
  ParentageRegistration,
} from './civil-events.schema.ts';

/** Who records an event and why; written on every event. */
interface EventMeta {
  type: string;
  effectiveDate: string | null;
  reason: string | null;
  legalBasis: string | null;
  actor: string;
  actorUnit: string | null;
}

const MAX_ATTEMPTS = 4;
const RETRYABLE = new Set(['40001', '40P01', '23505']);

/**
 * Runs `fn` in a transaction, retrying on serialization failures, deadlocks and a lost race
 * for a version number, so concurrent writers never lose an event.
 */
export async function inTransaction<T>(ctx: RegistryContext, fn: (trx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction().execute(fn);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (
        attempt >= MAX_ATTEMPTS ||
        !code ||
        !RETRYABLE.has(code) ||
        (error as { constraint?: string }).constraint === 'person_pkey'
      )
        throw error;
    }
  }
}

const provinceOf = (ctx: RegistryContext) => (scheme: string, code: string) =>
  ctx.units.provinceOf(scheme, code);

/** Locks a person's row, appends an event with the changes `change` computes, and updates the row. */
export async function changePerson(
  trx: Db,
  ctx: RegistryContext,
  idNumber: string,
  meta: EventMeta,
  changes: Partial<PersonState>,
  current?: { state: PersonState; version: number },
): Promise<{ state: PersonState; version: number }> {
  const found = current ?? (await repo.findPersonRow(trx, idNumber, { forUpdate: true }));
  if (!found) throw new AppError('ERR_PERSON_NOT_FOUND', undefined, { idNumber });
  const previous = Object.fromEntries(
    Object.keys(changes).map((key) => [key, found.state[key as keyof PersonState] ?? null]),
  ) as Partial<PersonState>;
  const state = applyChanges(found.state, changes);
  const version = found.version + 1;
  await repo.insertPersonEvent(trx, {
    idNumber,
    version,
    type: meta.type,
    effectiveDate: meta.effectiveDate,
    actor: meta.actor,
    actorUnit: meta.actorUnit,
    reason: meta.reason,
    legalBasis: meta.legalBasis,
    data: { changes, previous },
  });
  await repo.updatePersonRow(trx, stateToRow(state, version, provinceOf(ctx)));
  await appendRegistryChanges(
    trx,
    idNumber,
    changeTypesOf(meta.type, changes, previous),
    meta.effectiveDate,
    Object.keys(changes),
  );
  // The audit entry names the fields changed, never their values (those stay in the registry).
  await recordAccess(trx, ctx, accessorOf(meta), `registry.${meta.type}`, [idNumber], {
    version,
    fields: Object.keys(changes),
  });
  return { state, version };
}

/** The audit actor of an event: who recorded it, why and on what basis. */
function accessorOf(meta: EventMeta): Accessor {
  const [kind, ...id] = meta.actor.split(':');
  return {
    kind: kind === 'officer' || kind === 'citizen' || kind === 'agency' ? kind : 'system',
    id: id.join(':') || meta.actor,
    unit: meta.actorUnit,
    purpose: meta.reason ?? meta.type,
    legalBasis: meta.legalBasis ?? DEFAULT_READ_BASIS,
  };
}

/** Locks several people in ID order (so two transactions never wait on each other in a cycle). */
async function lockPeople(trx: Db, idNumbers: string[]) {
  const locked = new Map<string, { state: PersonState; version: number }>();
  for (const id of [...new Set(idNumbers)].sort()) {
    const found = await repo.findPersonRow(trx, id, { forUpdate: true });
    if (!found)
      throw new AppError('ERR_PERSON_NOT_FOUND', `no person with ID number ${id}`, { idNumber: id });
    locked.set(id, found);
  }
  return locked;
}

function today(ctx: RegistryContext): string {
  return vietnamDate(ctx.clock.now());
}

function yearsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

function parse<T>(
  schema: {
    safeParse(
      input: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  input: unknown,
): T {
  const result = schema.safeParse(input);
  if (!result.success)
    throw new AppError(
      'ERR_VALIDATION',
      result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  return result.data;
}

function justification(
  input: { reason?: string | undefined; legalBasis?: string | undefined },
  fallbackBasis: string,
) {
  return { reason: input.reason ?? null, legalBasis: input.legalBasis ?? fallbackBasis };
}

/** Đăng ký khai sinh: creates the person, assigns the ID number, optionally joins a household. */
export async function registerBirth(ctx: RegistryContext, officer: Officer, input: unknown): Promise<Person> {
  const birth = parse(BirthRegistration, input);
  const now = today(ctx);
  if (birth.dateOfBirth > now)
    throw new AppError('ERR_DATE_OF_BIRTH_INVALID', 'the date of birth is in the future');
  if (birth.dateOfBirth < '1900-01-01')
    throw new AppError('ERR_DATE_OF_BIRTH_INVALID', 'the date of birth is before 1900');
  const registration = ctx.units.getCommune('2025', birth.registrationCommuneCode);
  assertCanWrite(officer, ctx.units, registration.code);
  const { actor, actorUnit } = actorOf(officer);
  const { reason, legalBasis } = justification(birth, 'Luật Hộ tịch 60/2014/QH13');

  return inTransaction(ctx, async (trx) => {
    const parentIds = [birth.fatherIdNumber, birth.motherIdNumber].filter((id): id is string => !!id);
    const parents = await lockPeople(trx, parentIds);
    checkParent(ctx, parents.get(birth.fatherIdNumber ?? ''), 'male', birth.dateOfBirth, 'father');
    checkParent(ctx, parents.get(birth.motherIdNumber ?? ''), 'female', birth.dateOfBirth, 'mother');

    let household: Awaited<ReturnType<typeof findHousehold>>;
    if (birth.householdId) {
      household = await findHousehold(trx, birth.householdId, { forUpdate: true });
      if (!household) throw new AppError('ERR_HOUSEHOLD_NOT_FOUND');
      assertCanWrite(officer, ctx.units, household.communeCode);
    }
    const permanentAddress =
      household?.address ?? (birth.permanentAddress ? ctx.units.checkAddress(birth.permanentAddress) : null);
    if (permanentAddress && !household) assertCanWrite(officer, ctx.units, permanentAddress.communeCode);

    const relatives: PersonState['relatives'] = {};
    if (birth.father)
      relatives.father = {
        fullName: birth.father.fullName,
        idNumber: birth.father.idNumber ?? null,
        nationality: birth.father.nationality ?? null,
      };
    if (birth.mother)
      relatives.mother = {
        fullName: birth.mother.fullName,
        idNumber: birth.mother.idNumber ?? null,
        nationality: birth.mother.nationality ?? null,
      };

    const base: Omit<PersonState, 'idNumber'> = {
      ...applyChanges(undefined, {
        idNumber: '000000000000',
        fullName: birth.fullName.normalize('NFC'),
        dateOfBirth: birth.dateOfBirth,
        sex: birth.sex,
      }),
      placeOfBirth: birth.placeOfBirth,
      birthRegistrationPlace: { scheme: '2025', communeCode: registration.code, detail: '' },
      placeOfOrigin: birth.placeOfOrigin ?? null,
      ethnicity: birth.ethnicity,
      religion: birth.religion,
      nationality: birth.nationality,
      permanentAddress,
      residenceFileNumber: household?.residenceFileNumber ?? null,
      householdId: household?.householdId ?? null,
      relationToHead: household ? birth.relationToHead : null,
      fatherIdNumber: birth.fatherIdNumber ?? null,
      motherIdNumber: birth.motherIdNumber ?? null,
      relatives,
    };
    const idProvince = idProvinceCodeFor(ctx, registration.code);
    const prefix = idNumberPrefix(idProvince, Number(birth.dateOfBirth.slice(0, 4)), birth.sex);
    const state = await assignIdNumber(trx, ctx, prefix, base);
    await repo.insertPersonEvent(trx, {
      idNumber: state.idNumber,
      version: 1,
      type: 'birth_registered',
      effectiveDate: birth.dateOfBirth,
      actor,
      actorUnit,
      reason,
      legalBasis,
      data: { changes: state },
    });
    if (household) {
      await appendHouseholdEvent(trx, household, {
        type: 'member_added',
        actor,
        reason: reason ?? 'birth registration',
        legalBasis,
        data: { idNumber: state.idNumber, relationToHead: birth.relationToHead },
      });
    }
    const meta = {
      type: 'birth_registered',
      effectiveDate: birth.dateOfBirth,
      reason,
      legalBasis,
      actor,
      actorUnit,
    };
    await appendRegistryChanges(trx, state.idNumber, ['person.born'], birth.dateOfBirth, []);
    await recordAccess(trx, ctx, accessorOf(meta), 'registry.birth_registered', [state.idNumber], {
      version: 1,
      householdId: household?.householdId ?? null,
    });
    // The parents' records gain a child: that is an access to their data too.
    await recordAccess(trx, ctx, accessorOf(meta), 'registry.child_linked', parentIds, { version: 1 });
    return presentPerson(state, 1, ctx.units);
  });
}

function checkParent(
  ctx: RegistryContext,
  parent: { state: PersonState } | undefined,
  sex: 'male' | 'female',
  dateOfBirth: string,
  role: 'father' | 'mother',
) {
  if (!parent) return;
  const { state } = parent;
  if (state.sex !== sex) throw new AppError('ERR_PARENT_INVALID', `the ${role} must be ${sex}`);
  const age = yearsBetween(state.dateOfBirth, dateOfBirth);
  if (age < ctx.rules.minParentAgeYears)
    throw new AppError(
      'ERR_PARENT_INVALID',
      `the ${role} would be ${age} years older than the child; at least ${ctx.rules.minParentAgeYears} required`,
    );
  // A father may die before the birth (up to ~300 days); a mother cannot.
  if (state.dateOfDeath) {
    const limit = new Date(`${state.dateOfDeath}T00:00:00Z`);
    if (role === 'father') limit.setUTCDate(limit.getUTCDate() + 300);
    if (dateOfBirth > limit.toISOString().slice(0, 10))
      throw new AppError('ERR_PARENT_INVALID', `the ${role} was recorded as deceased before the birth`);
  }
}

/**
 * The 3-digit ID province code for a birth registered in a 2025 commune. ID numbers keep the
 * pre-2025 table, so the code is that of the old province the commune's predecessor wards
 * belonged to (the lowest, when a commune spans two). How allocation works after the merger is
 * not published; this rule is an assumption (DOMAIN.md: uncertain).
 */
export function idProvinceCodeFor(ctx: RegistryContext, communeCode: string): string {
  const oldProvince = ctx.units.predecessorProvinces(communeCode)[0];
  const code = oldProvince ? `0${oldProvince}` : undefined;
  if (!code || !idProvinceCodes.has(code))
    throw new AppError(
      'ERR_ADMIN_UNIT_UNKNOWN',
      `commune ${communeCode} has no pre-2025 province for ID numbers`,
    );
  return code;
}

/** Inserts the person under a fresh random number; a clash (even with a concurrent writer) retries. */
async function assignIdNumber(
  trx: Db,
  ctx: RegistryContext,
  prefix: string,
  base: Omit<PersonState, 'idNumber'>,
) {
  for (let attempt = 0; attempt < 64; attempt++) {
    const state: PersonState = { ...base, idNumber: randomIdNumber(prefix) };
    if (await repo.tryInsertPersonRow(trx, stateToRow(state, 1, provinceOf(ctx)))) return state;
  }
  throw new AppError('ERR_ID_NUMBER_EXHAUSTED', `prefix ${prefix}`);
}

/** Khai tử: records the death; a living spouse becomes widowed. */
export async function recordDeath(ctx: RegistryContext, officer: Officer, input: unknown): Promise<Person> {
  const death = parse(DeathRecord, input);
  const idNumber = assertIdNumber(death.idNumber, ctx.clock.now());
  if (death.dateOfDeath > today(ctx))
    throw new AppError('ERR_DATE_INVALID', 'the date of death is in the future');
  const { actor, actorUnit } = actorOf(officer);
  const { reason, legalBasis } = justification(death, 'Luật Hộ tịch 60/2014/QH13');
  return inTransaction(ctx, async (trx) => {
    const first = await repo.findPersonRow(trx, idNumber);
    if (!first) throw new AppError('ERR_PERSON_NOT_FOUND');
    const locked = await lockPeople(trx, [
      idNumber,
      ...(first.state.spouseIdNumber ? [first.state.spouseIdNumber] : []),
    ]);
    const person = locked.get(idNumber)!;
    if (person.state.dateOfDeath)
      throw new AppError('ERR_PERSON_DECEASED', `recorded on ${person.state.dateOfDeath}`);
    if (death.dateOfDeath < person.state.dateOfBirth)
      throw new AppError('ERR_DATE_INVALID', 'the date of death is before the date of birth');
    assertCanWrite(officer, ctx.units, person.state.permanentAddress?.communeCode);
    const meta = { effectiveDate: death.dateOfDeath, reason, legalBasis, actor, actorUnit };
    const result = await changePerson(
      trx,
      ctx,
      idNumber,
      { ...meta, type: 'death_recorded' },
      { dateOfDeath: death.dateOfDeath },
      person,
    );
    const spouseId = person.state.spouseIdNumber;
    const spouse = spouseId ? locked.get(spouseId) : undefined;
    if (spouseId && spouse && spouse.state.spouseIdNumber === idNumber && !spouse.state.dateOfDeath) {
      await changePerson(
        trx,
        ctx,
        spouseId,
        { ...meta, type: 'widowed' },
        { maritalStatus: 'widowed', spouseIdNumber: null },
        spouse,
      );
    }
    return presentPerson(result.state, result.version, ctx.units);
  });
}

/** Đăng ký kết hôn, with the Law on Marriage and Family's conditions. */
export async function registerMarriage(ctx: RegistryContext, officer: Officer, input: unknown) {
  const marriage = parse(MarriageRegistration, input);
  const a = assertIdNumber(marriage.partyA, ctx.clock.now());
  const b = assertIdNumber(marriage.partyB, ctx.clock.now());
  if (a === b) throw new AppError('ERR_MARRIAGE_INVALID', 'a person cannot marry themselves');
  if (marriage.marriageDate > today(ctx))
    throw new AppError('ERR_DATE_INVALID', 'the marriage date is in the future');
  const { actor, actorUnit } = actorOf(officer);
  const { reason, legalBasis } = justification(marriage, 'Luật Hôn nhân và gia đình 52/2014/QH13');
  return inTransaction(ctx, async (trx) => {
    const locked = await lockPeople(trx, [a, b]);
    const pa = locked.get(a)!.state;
    const pb = locked.get(b)!.state;
    const inUnit = [pa, pb].some((p) => {
      try {
        assertCanWrite(officer, ctx.units, p.permanentAddress?.communeCode);
        return true;
      } catch {
        return false;
      }
    });
    if (!inUnit) assertCanWrite(officer, ctx.units, pa.permanentAddress?.communeCode);
    for (const p of [pa, pb]) {
      if (p.dateOfDeath) throw new AppError('ERR_MARRIAGE_INVALID', 'a party is deceased');
      if (p.maritalStatus === 'married')
        throw new AppError('ERR_MARRIAGE_INVALID', 'a party is already married');
      const minimum = ctx.rules.marriageAge[p.sex];
      if (yearsBetween(p.dateOfBirth, marriage.marriageDate) < minimum)
        throw new AppError('ERR_MARRIAGE_INVALID', `a ${p.sex} party must be at least ${minimum} years old`);
    }
    if (!ctx.rules.sameSexMarriage && pa.sex === pb.sex)
      throw new AppError(
        'ERR_MARRIAGE_INVALID',
        'the law in force does not recognise a marriage between people of the same sex',
      );
    const parentsOf = (p: PersonState) =>
      [p.fatherIdNumber, p.motherIdNumber].filter((id): id is string => !!id);
    const related =
      parentsOf(pa).includes(b) ||
      parentsOf(pb).includes(a) ||
      parentsOf(pa).some((id) => parentsOf(pb).includes(id));
    if (related)
      throw new AppError(
        'ERR_MARRIAGE_INVALID',
        'the parties are related by direct blood line or are siblings',
      );
    const meta = {
      type: 'marriage_registered',
      effectiveDate: marriage.marriageDate,
      reason,
      legalBasis,
      actor,
      actorUnit,
    };
    return changeCouple(trx, ctx, meta, locked, [a, b], (spouse) => ({
      maritalStatus: 'married',
      spouseIdNumber: spouse,
    }));
  });
}

/** Appends one event to each of two locked spouses; `changes` gets the other party's ID number. */
async function changeCouple(
  trx: Db,
  ctx: RegistryContext,
  meta: EventMeta,
  locked: Map<string, { state: PersonState; version: number }>,
  [a, b]: [string, string],
  changes: (other: string) => Partial<PersonState>,
) {
  const ra = await changePerson(trx, ctx, a, meta, changes(b), locked.get(a));
  const rb = await changePerson(trx, ctx, b, meta, changes(a), locked.get(b));
  return {
    partyA: presentPerson(ra.state, ra.version, ctx.units),
    partyB: presentPerson(rb.state, rb.version, ctx.units),
  };
}

/** Ly hôn, on a court decision in force. */
export async function registerDivorce(ctx: RegistryContext, officer: Officer, input: unknown) {
  const divorce = parse(DivorceRecord, input);
  const a = assertIdNumber(divorce.partyA, ctx.clock.now());
  const b = assertIdNumber(divorce.partyB, ctx.clock.now());
  if (divorce.divorceDate > today(ctx))
    throw new AppError('ERR_DATE_INVALID', 'the divorce date is in the future');
  const { actor, actorUnit } = actorOf(officer);
  const { reason, legalBasis } = justification(divorce, 'Luật Hôn nhân và gia đình 52/2014/QH13');
  return inTransaction(ctx, async (trx) => {
    const locked = await lockPeople(trx, [a, b]);
    const pa = locked.get(a)!.state;
    const pb = locked.get(b)!.state;
    if (a === b || pa.spouseIdNumber !== b || pb.spouseIdNumber !== a)
      throw new AppError('ERR_DIVORCE_INVALID');
    assertCanWrite(officer, ctx.units, pa.permanentAddress?.communeCode);
    const meta = {
      type: 'divorce_registered',
      effectiveDate: divorce.divorceDate,
      reason,
      legalBasis,
      actor,
      actorUnit,
    };
    return changeCouple(trx, ctx, meta, locked, [a, b], () => ({
      maritalStatus: 'divorced',
      spouseIdNumber: null,
    }));
  });
}

/** Điều chỉnh thông tin: one field, with its own validation; the previous value stays in the event. */
export async function correctPerson(
  ctx: RegistryContext,
  officer: Officer,
  idNumber: string,
  input: unknown,
): Promise<Person> {
  const id = assertIdNumber(idNumber, ctx.clock.now());
  const correction = parse(Correction, input);
  if (!Object.hasOwn(correctableFields, correction.field))
    throw new AppError('ERR_FIELD_NOT_CORRECTABLE', `${correction.field} cannot be corrected`, {
      field: correction.field,
    });
  const field = correction.field as CorrectableField;
  const schema = correctableFields[field];
  let value = parse(schema as typeof correctableFields.fullName, correction.value) as unknown;
  if (field === 'fullName') value = (value as string).normalize('NFC');
  if (field === 'permanentAddress' || field === 'currentResidence')
    value = ctx.units.checkAddress(value as never);
  const { actor, actorUnit } = actorOf(officer);
  const { reason, legalBasis } = justification(
    correction,
    'Luật Cư trú 68/2020/QH14; Luật Căn cước 26/2023/QH15',
  );
  return inTransaction(ctx, async (trx) => {
    const found = await repo.findPersonRow(trx, id, { forUpdate: true });
    if (!found) throw new AppError('ERR_PERSON_NOT_FOUND');
    assertCanWrite(officer, ctx.units, found.state.permanentAddress?.communeCode);
    if (field === 'permanentAddress')
      assertCanWrite(officer, ctx.units, (value as { communeCode: string }).communeCode);
    if (field === 'dateOfBirth') {
      const dob = value as string;
      if (dob > today(ctx))
        throw new AppError('ERR_DATE_OF_BIRTH_INVALID', 'the date of birth is in the future');
      // The ID number encodes the birth year; a correction cannot contradict it.
      if (dob.slice(0, 4) !== found.state.dateOfBirth.slice(0, 4))
        throw new AppError(
          'ERR_DATE_OF_BIRTH_INVALID',
          'the corrected year of birth differs from the one in the ID number',
        );
    }
    const result = await changePerson(
      trx,
      ctx,
      id,
      { type: 'field_corrected', effectiveDate: null, reason, legalBasis, actor, actorUnit },
      { [field]: value } as Partial<PersonState>,
      found,
    );
    return presentPerson(result.state, result.version, ctx.units);
  });
}

/** Đăng ký giám hộ: the guardian (or legal representative) must be a living adult other than the ward. */
export async function registerGuardianship(
  ctx: RegistryContext,
  officer: Officer,
  input: unknown,
): Promise<Person> {
  const guardianship = parse(GuardianshipRegistration, input);
  const ward = assertIdNumber(guardianship.wardIdNumber, ctx.clock.now());
  const guardian = assertIdNumber(guardianship.guardianIdNumber, ctx.clock.now());
  if (ward === guardian) throw new AppError('ERR_VALIDATION', 'a person cannot be their own guardian');
  if (guardianship.startDate > today(ctx))
    throw new AppError('ERR_DATE_INVALID', 'the start date is in the future');
  const { actor, actorUnit } = actorOf(officer);
  const { reason, legalBasis } = justification(
    guardianship,
    'Bộ luật Dân sự 91/2015/QH13; Luật Hộ tịch 60/2014/QH13',
  );
  return inTransaction(ctx, async (trx) => {
    const locked = await lockPeople(trx, [ward, guardian]);
    const wardState = locked.get(ward)!;
    const guardianState = locked.get(guardian)!.state;
    assertCanWrite(officer, ctx.units, wardState.state.permanentAddress?.communeCode);
    if (wardState.state.dateOfDeath || guardianState.dateOfDeath) throw new AppError('ERR_PERSON_DECEASED');
    if (yearsBetween(guardianState.dateOfBirth, guardianship.startDate) < 18)
      throw new AppError('ERR_VALIDATION', 'a guardian must be an adult (18 or older)');
    const field = guardianship.kind === 'guardian' ? 'guardianIdNumber' : 'legalRepresentativeIdNumber';
    const result = await changePerson(
      trx,
      ctx,
      ward,
      {
        type: 'guardianship_registered',
        effectiveDate: guardianship.startDate,
        reason,
        legalBasis,
        actor,
        actorUnit,
      },
      { [field]: guardian },
      wardState,
    );
    return presentPerson(result.state, result.version, ctx.units);
  });
}

/**
 * Đăng ký nhận cha, mẹ, con: the child's record gains a father or mother from the registry. A
 * parent already recorded (even the same one) is not replaced: that is a court's or a
 * re-determination's matter. A parent recorded by name only gives way to the registry link.
 */
export async function registerParentage(
  ctx: RegistryContext,
  officer: Officer,
  input: unknown,
): Promise<Person> {
  const parentage = parse(ParentageRegistration, input);
  const child = assertIdNumber(parentage.childIdNumber, ctx.clock.now());
  const parent = assertIdNumber(parentage.parentIdNumber, ctx.clock.now());
  if (child === parent) throw new AppError('ERR_PARENT_INVALID', 'a person cannot be their own parent');
  if (parentage.recognitionDate > today(ctx))
    throw new AppError('ERR_DATE_INVALID', 'the recognition date is in the future');
  const { actor, actorUnit } = actorOf(officer);
  const { reason, legalBasis } = justification(parentage, 'Luật Hộ tịch 60/2014/QH13, Điều 24–25');
  const { role } = parentage;
  return inTransaction(ctx, async (trx) => {
    const locked = await lockPeople(trx, [child, parent]);
    const childRow = locked.get(child)!;
    assertCanWrite(officer, ctx.units, childRow.state.permanentAddress?.communeCode);
    const field = role === 'father' ? 'fatherIdNumber' : 'motherIdNumber';
    if (childRow.state[field])
      throw new AppError('ERR_PARENT_ALREADY_RECORDED', `the child already has a ${role} in the registry`);
    checkParent(
      ctx,
      locked.get(parent),
      role === 'father' ? 'male' : 'female',
      childRow.state.dateOfBirth,
      role,
    );
    const changes: Partial<PersonState> = { [field]: parent };
    if (childRow.state.relatives[role]) {
      const { [role]: _named, ...others } = childRow.state.relatives;
      changes.relatives = others;
    }
    const meta = {
      type: 'parentage_registered',
      effectiveDate: parentage.recognitionDate,
      reason,
      legalBasis,
      actor,
      actorUnit,
    };
    const result = await changePerson(trx, ctx, child, meta, changes, childRow);
    // The parent's record gains a child: that is an access to their data too.
    await recordAccess(trx, ctx, accessorOf(meta), 'registry.child_linked', [parent], {
      version: result.version,
    });
    return presentPerson(result.state, result.version, ctx.units);
  });
}
