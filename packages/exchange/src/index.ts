// Connecting agencies' databases: agencies, verification and lookup, bulk matching, enrichment and
// change events. See README.md.

export { nationalSupervisorGuard } from './admin/admin-guard.ts';
export {
  addUsage,
  listUsage,
  type UsageRow,
  usageOn,
} from './agency/agency.repository.ts';
export * from './agency/agency.schema.ts';
export {
  disableAgency,
  findAgency,
  getAgency,
  listAgencies,
  registerAgency,
} from './agency/agency.service.ts';
export type { AgencyAuthenticator, AgencyPrincipal, PurposeCheck } from './auth/agency-principal.ts';
export {
  ComparableField,
  comparableFields,
  compareField,
  compareFields,
  editDistance,
  type FieldOutcome,
  foldText,
  namesMatch,
  normaliseDate,
  normalisePhone,
  normaliseSex,
  type RegistryValues,
} from './compare/field-compare.ts';
export type { ExchangeContext } from './context.ts';
export { exchangeMigrations } from './migrations.ts';
