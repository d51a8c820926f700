export { type Clock, fixedClock, systemClock, vietnamDate } from './clock.ts';
export { allRoles, Config, loadConfig, type Role } from './config.ts';
export { AppError, type ErrorCode, errorCatalogue, isAppError, type Problem, toProblem } from './errors.ts';
export {
  type JwsAlgorithm,
  JwsError,
  type JwsFailure,
  type JwsHeader,
  type JwsKey,
  type JwsSigner,
  type JwsVerifier,
  type JwsVerifyOptions,
  type JwtPayload,
  jwsSigner,
  jwsVerifier,
  type VerifiedJws,
} from './jws.ts';
export {
  type Ed25519PublicKey,
  type Ed25519SigningKey,
  FileKeyStore,
  type KeyStore,
  StaticKeyStore,
  writeFileExclusive,
} from './keys.ts';
export { formatLogLine } from './log-format.ts';
export { createLogger, type LogFormat, type Logger, redactedPaths } from './logger.ts';
export { foldVietnamese, normaliseName } from './text.ts';
