// The OpenID provider for relying parties. See README.md.

export { shortLivedModels } from './adapter/adapter-factory.ts';
export { RedisAdapter } from './adapter/redis-adapter.ts';
export { redisSeenBefore, type SeenBefore, sqlSeenBefore } from './adapter/replay-detection.ts';
export { SqlAdapter, sweepExpiredModels } from './adapter/sql-adapter.ts';
export { claimLabels, claimsForScopes, knownScopes } from './claims/claim-catalogue.ts';
export {
  ClientAuthMethod,
  ClientKind,
  ClientRegistration,
  PublicJwks,
  RelyingParty,
} from './client/client.schema.ts';
export {
  findClient,
  getClient,
  listClients,
  registerClient,
  registerServiceClient,
  removeClient,
  SERVICE_SCOPE_PATTERN,
} from './client/client.service.ts';
export {
  ACR_LEVEL1,
  ACR_LEVEL2,
  IDENTITY_SESSION_COOKIE,
  type IdentityPort,
  type IdentitySession,
  type OidcAccount,
  type OidcContext,
} from './context.ts';
export { oidcMigrations } from './migrations.ts';
export { type OidcRoutesOptions, oidcRoutes } from './oidc.routes.ts';
export { createOidc, type Oidc } from './oidc.ts';
export { clientMetadata, type ProviderOptions } from './provider/provider.ts';
export {
  ephemeralProviderKeys,
  loadProviderKeys,
  type PrivateJwk,
  rotateProviderKeys,
} from './provider/provider-keys.ts';
