export { loadAdminUnits } from './admin-unit/admin-unit.loader.ts';
export { type AdminUnit, AdminUnits } from './admin-unit/admin-units.ts';
export {
  type AccessLogItem,
  type ActorDirectory,
  type BilingualText,
  splitBilingual,
} from './audit/access-log.presenter.ts';
export {
  type Accessor,
  auditedRead,
  officerAccessor,
  type RegistryAudit,
  recordAccess,
} from './audit/registry-audit.ts';
export {
  CardIssueInput,
  CardRevocationInput,
  currentCard,
  IdCard,
  recordCardIssued,
  revokeCard,
} from './card/card.service.ts';
export {
  type RegistryChange,
  type RegistryChangeType,
  readRegistryChanges,
  registryChangeTypes,
} from './change/change-feed.ts';
export { citizenAccessLogRoutes } from './citizen/access-log.routes.ts';
export { defaultRules, type RegistryContext, type RegistryRules } from './context.ts';
export {
  correctPerson,
  idProvinceCodeFor,
  recordDeath,
  registerBirth,
  registerDivorce,
  registerGuardianship,
  registerMarriage,
  registerParentage,
} from './events/civil-events.service.ts';
export { getHousehold, getHouseholdHistory } from './household/household.service.ts';
export {
  centurySexDigit,
  type DecodedIdNumber,
  type DecodeResult,
  decodeIdNumber,
  type IdNumberProblem,
  idNumberPrefix,
  permutedSerial,
  randomIdNumber,
} from './id-number/id-number.ts';
export { idProvinceCodes, isCountryCode } from './id-number/id-province-codes.ts';
export { registryMigrations } from './migrations.ts';
export { assertCanWrite, issueOfficerToken, type Officer, verifyOfficerToken } from './officer/officer.ts';
export {
  DEMO_FINGERPRINT_FILE,
  demoFingerprintImage,
  demoFingerprintTemplateHash,
  developmentTemplateHash,
} from './person/development-biometrics.ts';
export { presentPerson } from './person/person.presenter.ts';
export * from './person/person.schema.ts';
export {
  assertIdNumber,
  findPerson,
  getPerson,
  getPersonAsOf,
  getPersonHistory,
  getRelations,
  getWards,
  searchPeople,
  searchPeoplePage,
  streamPeople,
} from './person/person.service.ts';
export {
  applyChanges,
  emptyPersonState,
  type PersonColumn,
  type PersonState,
  personColumns,
  rowToState,
  stateToRow,
  textArrayLiteral,
} from './person/person.state.ts';
export { RecordedPersonReads } from './person/recorded-reads.ts';
export { countRegistry } from './registry.counts.ts';
export { type RegistryRoutesOptions, registryRoutes } from './registry.routes.ts';
export { type SeedOptions, type SeedProgress, seedPopulation } from './seed/seed.service.ts';
