import { hkdfSync } from 'node:crypto';
import path from 'node:path';
import { cardTrustLoader, type TrustStore } from '@dinhdanh/card';
import type { Db } from '@dinhdanh/db';
import type { Clock, Config, Logger } from '@dinhdanh/kernel';
import type { AdminUnits, RegistryContext } from '@dinhdanh/registry';
import {
  DevelopmentFaceVerifier,
  DevelopmentFingerprintVerifier,
  type FaceVerifier,
  type FingerprintVerifier,
  HttpFaceVerifier,
  HttpFingerprintVerifier,
} from './adapters/biometrics.ts';
import { DevelopmentSmsGateway, HttpSmsGateway, type SmsGateway } from './adapters/sms.ts';
import { createSecretBox, type SecretBox } from './credential/secret-box.ts';

/** Timeouts and limits. Defaults follow DOMAIN.md "Security figures" and ADR 0005. */
export interface IdentityPolicy {
  sessionAbsoluteSeconds: number;
  sessionIdleSeconds: number;
  otpSeconds: number;
  otpMaxAttempts: number;
  registrationSeconds: number;
  loginSeconds: number;
  qrLoginSeconds: number;
  /** Failures before delays start; the delay then doubles up to `maxDelaySeconds`. */
  freeFailures: number;
  /** Free failures per client address, which many people may share (NAT, an office). */
  ipFreeFailures: number;
  maxDelaySeconds: number;
  /** Consecutive failures after which an authenticator stops until an officer resets it. */
  hardStopFailures: number;
  /** Age from which a person may register themselves (Decree 69: 14). */
  selfRegistrationAge: number;
  /** Below this age a guardian may open a child's account without a card (Decree 69: 6). */
  cardRequiredFromAge: number;
}

export const defaultPolicy: IdentityPolicy = {
  sessionAbsoluteSeconds: 24 * 3600,
  sessionIdleSeconds: 3600,
  otpSeconds: 300,
  otpMaxAttempts: 5,
  registrationSeconds: 900,
  loginSeconds: 300,
  qrLoginSeconds: 120,
  freeFailures: 5,
  ipFreeFailures: 50,
  maxDelaySeconds: 900,
  hardStopFailures: 100,
  selfRegistrationAge: 14,
  cardRequiredFromAge: 6,
};

export interface WebAuthnSettings {
  rpID: string;
  rpName: string;
  origin: string;
}

export interface IdentityHooks {
  /** Called after sessions end (logout, lock, password change, expiry), e.g. so OIDC can end its own. */
  sessionEnded?(sessionIds: readonly string[]): void | Promise<void>;
}

/** Everything identity's services need, passed explicitly. */
export interface IdentityContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The registry as identity reads it (only through @dinhdanh/registry's functions). */
  registry: RegistryContext;
  units: AdminUnits;
  /** HMAC secret that turns an ID number into its audit subject key. */
  subjectSecret: Uint8Array;
  /** HMAC key for one-time codes and throttle keys. */
  secret: Uint8Array;
  officerTokenKey: Uint8Array;
  /** AES-256-GCM sealing of TOTP secrets at rest (key versions for rotation). */
  secretBox: SecretBox;
  sms: SmsGateway;
  face: FaceVerifier;
  fingerprint: FingerprintVerifier;
  /** The chip-card trust anchors (platform CSCAs + CRLs, DINHDANH_CARD_TRUST) for level-2 activation. */
  cardTrust: () => Promise<TrustStore>;
  webauthn: WebAuthnSettings;
  policy: IdentityPolicy;
  hooks: IdentityHooks;
  /** Serve GET /dev/outbox (development SMS gateway outside production only). */
  devOutbox: boolean;
  /** Serve GET /dev/biometrics (development face/fingerprint adapters outside production only). */
  devBiometrics: boolean;
}

export interface IdentityContextOptions {
  config: Config;
  registry: RegistryContext;
  logger: Logger;
  officerTokenKey: Uint8Array;
  /** HMAC key for codes; when absent, derived from the subject secret (HKDF, own label). */
  secret?: Uint8Array;
  /**
   * Keys that seal TOTP secrets, by version; the highest seals, all open. Default: version 1
   * from the identity secret. Rotation: add `{version: 2, secret: <new identity secret>}`.
   */
  sealingKeys?: ReadonlyArray<{ version: number; secret: Uint8Array }>;
  /** Where the development SMS gateway appends; default `<dir of dataDir>/dev-outbox.ndjson`. */
  outboxFile?: string;
  webauthn?: Partial<WebAuthnSettings>;
  policy?: Partial<IdentityPolicy>;
  hooks?: IdentityHooks;
  sms?: SmsGateway;
  face?: FaceVerifier;
  fingerprint?: FingerprintVerifier;
  cardTrust?: () => Promise<TrustStore>;
}

/** The development outbox file for a configuration (shared by the server and `dinhdanh dev outbox`). */
export function devOutboxFile(config: Config): string {
  return path.join(path.dirname(config.dataDir), 'dev-outbox.ndjson');
}

/**
 * Builds the context from configuration. Development adapters warn at start; the config already
 * refuses them in production.
 */
export function createIdentityContext(options: IdentityContextOptions): IdentityContext {
  const { config, registry, logger } = options;
  const origin = new URL(config.issuer ?? `http://${config.host}:${config.port}`);
  const subjectSecret = registry.audit.subjectSecret;
  const secret =
    options.secret ??
    new Uint8Array(hkdfSync('sha256', subjectSecret, new Uint8Array(0), 'dinhdanh identity codes', 32));
  const sms =
    options.sms ??
    (config.smsGateway === 'http'
      ? new HttpSmsGateway(config.smsGatewayUrl!)
      : new DevelopmentSmsGateway(options.outboxFile ?? devOutboxFile(config)));
  const httpBiometrics = config.biometricMatcher === 'http';
  const face =
    options.face ??
    (httpBiometrics ? new HttpFaceVerifier(config.biometricMatcherUrl!) : new DevelopmentFaceVerifier());
  const fingerprint =
    options.fingerprint ??
    (httpBiometrics
      ? new HttpFingerprintVerifier(config.biometricMatcherUrl!)
      : new DevelopmentFingerprintVerifier());
  if (sms instanceof DevelopmentSmsGateway)
    logger.warn(
      { outbox: sms.file },
      'identity: development SMS gateway — codes go to a local outbox, not to phones',
    );
  if (face instanceof DevelopmentFaceVerifier || fingerprint instanceof DevelopmentFingerprintVerifier)
    logger.warn(
      'identity: development face/fingerprint adapters — NOT biometric matchers: any face photo passes, a fingerprint matches only the exact file enrolled (the demo sample for demo people)',
    );
  return {
    db: registry.db,
    clock: registry.clock,
    logger,
    registry,
    units: registry.units,
    subjectSecret,
    secret,
    officerTokenKey: options.officerTokenKey,
    secretBox: createSecretBox(options.sealingKeys ?? [{ version: 1, secret }]),
    sms,
    face,
    fingerprint,
    cardTrust:
      options.cardTrust ??
      cardTrustLoader({ keysDir: config.keysDir, extraFiles: config.cardTrustFiles, clock: registry.clock }),
    webauthn: {
      rpID: origin.hostname,
      rpName: 'dinhdanh',
      origin: origin.origin,
      ...options.webauthn,
    },
    policy: { ...defaultPolicy, ...options.policy },
    hooks: options.hooks ?? {},
    devOutbox: config.mode !== 'production' && sms instanceof DevelopmentSmsGateway,
    devBiometrics:
      config.mode !== 'production' &&
      (face instanceof DevelopmentFaceVerifier || fingerprint instanceof DevelopmentFingerprintVerifier),
  };
}
