import { AppError } from '@dinhdanh/kernel';
import type { RegistryContext } from '../context.ts';
import { presentSummary } from '../person/person.presenter.ts';
import { findHouseholdMembers } from '../person/person.repository.ts';
import { findHousehold, listHouseholdEvents } from './household.repository.ts';

function assertHouseholdId(householdId: string): string {
  if (!/^\d{1,18}$/.test(householdId)) throw new AppError('ERR_VALIDATION', 'a household id is a number');
  return householdId;
}

export async function getHousehold(ctx: RegistryContext, householdId: string) {
  const household = await findHousehold(ctx.db, assertHouseholdId(householdId));
  if (!household) throw new AppError('ERR_HOUSEHOLD_NOT_FOUND');
  const members = (await findHouseholdMembers(ctx.db, household.householdId)).map((row) =>
    presentSummary(row, ctx.units),
  );
  // The head first, then members by age.
  members.sort((a, b) => Number(b.relationToHead === 'head') - Number(a.relationToHead === 'head'));
  return {
    householdId: household.householdId,
    headIdNumber: household.headIdNumber,
    address: ctx.units.resolve(household.address),
    residenceFileNumber: household.residenceFileNumber,
    members,
    version: household.version,
  };
}

export async function getHouseholdHistory(ctx: RegistryContext, householdId: string) {
  const events = await listHouseholdEvents(ctx.db, assertHouseholdId(householdId));
  if (events.length === 0) throw new AppError('ERR_HOUSEHOLD_NOT_FOUND');
  return events;
}
