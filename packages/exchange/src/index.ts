// Connecting agencies' databases: agencies, verification and lookup, bulk matching, enrichment and
// change events. See README.md.

export { nationalSupervisorGuard } from './admin/admin-guard.ts';
export { type ExchangeBacklog, exchangeBacklog } from './admin/backlog.ts';
export {
  addUsage,
  listUsage,
  type UsageRow,
  usageOn,
} from './agency/agency.repository.ts';
export { agencyAdminRoutes } from './agency/agency.routes.ts';
export * from './agency/agency.schema.ts';
export {
  type AgencyCredentials,
  disableAgency,
  findAgency,
  getAgency,
  listAgencies,
  registerAgency,
} from './agency/agency.service.ts';
export { type AgencyAuthenticatorOptions, agencyAuthenticator } from './auth/agency-authenticator.ts';
export type { AgencyAuthenticator, AgencyPrincipal, PurposeCheck } from './auth/agency-principal.ts';
export { jwkThumbprint, verifyDpopProof } from './auth/dpop.ts';
export { purposeOf, purposeText } from './auth/purpose.ts';
export { UsageMeter } from './auth/usage-meter.ts';
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
export {
  DocumentOutcome,
  MAX_DOCUMENTS_PER_PUSH,
  PersonDocument,
  PushResult,
  validateDocument,
} from './enrichment/document.schema.ts';
export { listPersonDocuments, pushDocuments } from './enrichment/document.service.ts';
export {
  type DocumentRules,
  defaultDocumentRules,
  LicenceClass,
  taxCodeCheckDigit,
} from './enrichment/document-kinds.ts';
export { type EnrichmentRoutesOptions, enrichmentRoutes } from './enrichment/enrichment.routes.ts';
export {
  type ChangeEventPayload,
  type Disclosure,
  disclosureFor,
  eventFields,
} from './events/event-data.ts';
export { EVENT_DISCLOSED_ACTION, followRegistryChanges } from './events/event-follower.ts';
export { type EventWorkerOptions, type EventWorkers, startEventWorkers } from './events/event-workers.ts';
export { type EventRoutesOptions, eventRoutes } from './events/events.routes.ts';
export { ChangeEvent, DeadLetter, Subscription, SubscriptionInput } from './events/events.schema.ts';
export {
  checkReceiverUrl,
  createSubscription,
  deleteSubscription,
  listDeadLetters,
  listSubscriptions,
  MAX_SUBSCRIPTIONS,
  redeliverDeadLetter,
} from './events/events.service.ts';
export {
  NATS_STREAM,
  NATS_SUBJECT_PREFIX,
  type NatsChangeEvent,
  NatsPublisher,
  natsSubject,
} from './events/nats-publisher.ts';
export {
  backoffMs,
  type DispatchPolicy,
  defaultDispatchPolicy,
  WebhookDispatcher,
} from './events/webhook-dispatcher.ts';
export {
  contentDigest,
  ed25519Jwk,
  ed25519Thumbprint,
  signHttpMessage,
  WEBHOOK_KEY_NAME,
  type WebhookSigner,
  webhookComponents,
  webhookJwks,
  webhookSigner,
} from './events/webhook-signature.ts';
export { IdLineMap } from './matching/id-line-map.ts';
export { type MatchingRoutesOptions, matchingRoutes } from './matching/matching.routes.ts';
export * from './matching/matching.schema.ts';
export {
  emptyMatchingTimings,
  getMatchingJob,
  listMatchingJobs,
  listMatchingJobsForAdmin,
  type MatchingProgress,
  type MatchingTimings,
  type MatchingWorker,
  matchingReport,
  matchNextJob,
  purgeExpiredMatchingJobs,
  type RunOptions,
  runMatchingJob,
  startMatchingWorker,
} from './matching/matching.service.ts';
export {
  DAY_MS,
  defaultMatchingSettings,
  type MatchingContext,
  type MatchingSettings,
} from './matching/matching.settings.ts';
export { createMatchingJob, type UploadInput } from './matching/matching.upload.ts';
export { subjectKeyer } from './matching/matching-audit.ts';
export { csvRecords, ndjsonLines, utf8Text } from './matching/record-reader.ts';
export { exchangeMigrations } from './migrations.ts';
export type { ConsentRow } from './people/consent.repository.ts';
export { consentsOf, grantConsent, withdrawConsentOf } from './people/consent.service.ts';
export { MAX_BATCH, type PeopleRoutesOptions, peopleRoutes } from './people/people.routes.ts';
export {
  type LookupResult,
  lookUpPerson,
  type VerificationResult,
  verifyPeople,
} from './people/people.service.ts';
export { registryValuesOf, releasedFields } from './people/person-view.ts';
