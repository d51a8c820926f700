// eID accounts: registration, credentials, logins, sessions, locks. See README.md.

export {
  createCitizenAccount,
  findAccountById,
  findAccountByIdNumber,
} from './account/account.service.ts';
export {
  type Account,
  AccountKind,
  AccountView,
  LockGround,
  maskPhone,
  presentAccount,
} from './account/account.ts';
export {
  createDependentAccount,
  type Dependent,
  type DependentRelation,
  listDependents,
} from './account/dependents.service.ts';
export { describeMe, MeView } from './account/me.service.ts';
export {
  type BiometricResult,
  DevelopmentFaceVerifier,
  DevelopmentFingerprintVerifier,
  type FaceVerifier,
  type FingerprintVerifier,
  HttpFaceVerifier,
  HttpFingerprintVerifier,
} from './adapters/biometrics.ts';
export {
  DevelopmentSmsGateway,
  HttpSmsGateway,
  type OutboxMessage,
  readOutbox,
  type SmsGateway,
} from './adapters/sms.ts';
export {
  createIdentityContext,
  defaultPolicy,
  devOutboxFile,
  type IdentityContext,
  type IdentityContextOptions,
  type IdentityHooks,
  type IdentityPolicy,
  type WebAuthnSettings,
} from './context.ts';
export { assertPasswordAcceptable, passwordProblem } from './credential/password.policy.ts';
export { hashPassword, verifyPassword } from './credential/password.ts';
export { createSecretBox, type SecretBox } from './credential/secret-box.ts';
export { type IdentityRoutesOptions, identityRoutes } from './identity.routes.ts';
export { lockAccount, unlockAccount } from './lock/lock.service.ts';
export { identityMigrations } from './migrations.ts';
export { ACR, type AcrLevel, type Amr } from './session/amr.ts';
export { deviceLabel } from './session/device.ts';
export {
  citizenAuthenticator,
  optionalCitizen,
  requireCitizen,
  SESSION_COOKIE,
  sessionToken,
} from './session/session.http.ts';
export {
  authenticateSession,
  createSession,
  endSessions,
  listSessions,
  type Session,
} from './session/session.service.ts';
export { startIdentityWorkers, sweepExpired, syncRegistryChanges } from './sync/registry-sync.ts';
