import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.ts';

const Roles = z.enum(['registry', 'audit', 'idp', 'card', 'exchange', 'web']);
export type Role = z.infer<typeof Roles>;
export const allRoles: readonly Role[] = Roles.options;

export const Config = z
  .object({
    mode: z.enum(['development', 'production', 'test']),
    /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
    databaseUrl: z.string().url().optional(),
    /** PGlite data directory (embedded mode only). */
    dataDir: z.string().min(1),
    /** Directory of the file-based key store. */
    keysDir: z.string().min(1),
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    roles: z.array(Roles).min(1),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** `pretty`: short readable lines, requests only when they fail or are slow (development); `json` otherwise. */
    logFormat: z.enum(['json', 'pretty']),
    /** HMAC secret for officer bearer tokens (base64url, ≥ 32 bytes). Required in production. */
    officerTokenSecret: z.string().min(43).optional(),
    /** People seeded on first start of an empty embedded database (development only). */
    demoPeople: z.coerce.number().int().min(0),
    /** Maximum JSON body size in bytes. */
    bodyLimit: z.coerce.number().int().min(1024),
    /** Record officers' reads in the audit log. Off only for a benchmark's baseline; production refuses it off. */
    auditReads: z.boolean(),
    /** Milliseconds between signed audit checkpoints (role `audit`). */
    checkpointEveryMs: z.coerce.number().int().min(1000),
    /** PostgreSQL pool size per process. */
    dbPoolSize: z.coerce.number().int().min(1).max(500),
    /** OpenID provider issuer URL; defaults to the server's own origin (http://host:port). */
    issuer: z.string().url().optional(),
    /** Redis for short-lived OIDC state and shared rate limits when more than one process runs. */
    redisUrl: z.string().url().optional(),
    /** Where one-time codes go: the development outbox, or an HTTP SMS gateway. */
    smsGateway: z.enum(['development', 'http']),
    smsGatewayUrl: z.string().url().optional(),
    /** Face and fingerprint matchers: development adapters (not biometric matchers) or an HTTP service. */
    biometricMatcher: z.enum(['development', 'http']),
    biometricMatcherUrl: z.string().url().optional(),
    /** Extra trust anchors for chip-card verification: CSCA master lists, certificates, CRLs. */
    cardTrustFiles: z.array(z.string().min(1)),
    /** NATS server(s) (comma-separated) to which change events are also published (JetStream). */
    natsUrl: z
      .string()
      .refine(
        (value) =>
          value.split(',').every((server) => /^(nats|tls|ws|wss):\/\/[^\s/]+\/?$/.test(server.trim())),
        'expected nats://host:port (comma-separated for several servers)',
      )
      .optional(),
    /**
     * Trust the RFC 9440 `Client-Cert` header for mutual-TLS client authentication: only behind a
     * TLS-terminating proxy that verifies client certificates and strips the header from clients.
     */
    trustClientCertHeader: z.boolean(),
    /** Processes serving together on this machine (`serve --workers`): state shared across them must not live in one. */
    workers: z.coerce.number().int().min(1).max(256),
    /** One webhook attempt's limit (ms) before it counts as failed and is retried. */
    webhookTimeoutMs: z.coerce.number().int().min(100).max(120_000),
    /** Hours a webhook delivery is retried before it becomes a dead letter. */
    webhookDeadAfterHours: z.coerce.number().min(0.001).max(720),
    /**
     * A read (GET, HEAD) not answered within this many ms gets 503 + Retry-After. The database's
     * statement timeout is this deadline, its lock timeout half of it, and the wait for a pooled
     * connection the same, so a stalled database fails a request within its deadline.
     */
    requestDeadlineMs: z.coerce.number().int().min(100).max(600_000),
    /** The same for writes (several statements, password hashing): longer than a read's. */
    writeDeadlineMs: z.coerce.number().int().min(100).max(600_000),
    /** Requests in progress per process beyond which new ones are shed at once with 503. */
    maxInFlight: z.coerce.number().int().min(1).max(1_000_000),
    /**
     * The operating authority named in the web app's header and footer (e.g. "Công an tỉnh …").
     * Absent: a neutral name of the open-source system, in the reader's language.
     */
    authorityName: z.string().trim().min(1).max(200).optional(),
  })
  .superRefine((config, ctx) => {
    if (config.smsGateway === 'http' && !config.smsGatewayUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['smsGatewayUrl'],
        message: 'DINHDANH_SMS_GATEWAY_URL is required',
      });
    if (config.biometricMatcher === 'http' && !config.biometricMatcherUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['biometricMatcherUrl'],
        message: 'DINHDANH_BIOMETRIC_MATCHER_URL is required',
      });
    if (config.mode === 'production') {
      if (!config.databaseUrl)
        ctx.addIssue({ code: 'custom', path: ['databaseUrl'], message: 'production requires DATABASE_URL' });
      if (!config.auditReads)
        ctx.addIssue({ code: 'custom', path: ['auditReads'], message: 'production always audits reads' });
      if (config.smsGateway === 'development')
        ctx.addIssue({
          code: 'custom',
          path: ['smsGateway'],
          message: 'production refuses the development SMS outbox; set DINHDANH_SMS_GATEWAY=http',
        });
      if (config.biometricMatcher === 'development')
        ctx.addIssue({
          code: 'custom',
          path: ['biometricMatcher'],
          message:
            'production refuses the development face/fingerprint adapters; set DINHDANH_BIOMETRIC_MATCHER=http',
        });
      if (!config.officerTokenSecret)
        ctx.addIssue({
          code: 'custom',
          path: ['officerTokenSecret'],
          message: 'production requires DINHDANH_OFFICER_TOKEN_SECRET',
        });
    }
  });
export type Config = z.infer<typeof Config>;

function parseRoles(value: string | undefined): Role[] | undefined {
  if (!value) return undefined;
  const names = value
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  return names.includes('all') ? [...allRoles] : (names as Role[]);
}

/**
 * Reads the configuration once, from the environment plus explicit overrides (CLI flags).
 * Throws ERR_CONFIG_INVALID listing every problem, so a misconfigured process never starts.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const mode = env.DINHDANH_MODE ?? (env.NODE_ENV === 'production' ? 'production' : 'development');
  const raw = {
    mode,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DINHDANH_DATA_DIR ?? 'data/pg'),
    keysDir: path.resolve(env.DINHDANH_KEYS_DIR ?? 'data/keys'),
    host: env.DINHDANH_HOST ?? '127.0.0.1',
    port: env.PORT ?? env.DINHDANH_PORT ?? 3000,
    roles: parseRoles(env.DINHDANH_ROLES) ?? [...allRoles],
    logLevel: env.DINHDANH_LOG_LEVEL ?? (mode === 'test' ? 'silent' : 'info'),
    logFormat: env.DINHDANH_LOG_FORMAT ?? (mode === 'development' ? 'pretty' : 'json'),
    officerTokenSecret: env.DINHDANH_OFFICER_TOKEN_SECRET || undefined,
    demoPeople: env.DINHDANH_DEMO_PEOPLE ?? 10_000,
    bodyLimit: env.DINHDANH_BODY_LIMIT ?? 1_048_576,
    dbPoolSize: env.DINHDANH_DB_POOL_SIZE ?? 10,
    auditReads: env.DINHDANH_AUDIT_READS !== 'false',
    checkpointEveryMs: env.DINHDANH_CHECKPOINT_EVERY_MS ?? 60_000,
    issuer: env.DINHDANH_ISSUER || undefined,
    redisUrl: env.REDIS_URL || undefined,
    smsGateway: env.DINHDANH_SMS_GATEWAY ?? (mode === 'production' ? 'http' : 'development'),
    smsGatewayUrl: env.DINHDANH_SMS_GATEWAY_URL || undefined,
    biometricMatcher: env.DINHDANH_BIOMETRIC_MATCHER ?? (mode === 'production' ? 'http' : 'development'),
    biometricMatcherUrl: env.DINHDANH_BIOMETRIC_MATCHER_URL || undefined,
    cardTrustFiles: (env.DINHDANH_CARD_TRUST ?? '')
      .split(',')
      .map((file) => file.trim())
      .filter(Boolean)
      .map((file) => path.resolve(file)),
    natsUrl: env.NATS_URL || undefined,
    trustClientCertHeader: env.DINHDANH_TRUST_CLIENT_CERT_HEADER === 'true',
    workers: env.DINHDANH_WORKERS ?? 1,
    webhookTimeoutMs: env.DINHDANH_WEBHOOK_TIMEOUT_MS ?? 10_000,
    webhookDeadAfterHours: env.DINHDANH_WEBHOOK_DEAD_AFTER_HOURS ?? 72,
    requestDeadlineMs: env.DINHDANH_REQUEST_DEADLINE_MS ?? 5_000,
    writeDeadlineMs: env.DINHDANH_WRITE_DEADLINE_MS ?? 15_000,
    maxInFlight: env.DINHDANH_MAX_IN_FLIGHT ?? 2_048,
    authorityName: env.DINHDANH_AUTHORITY_NAME?.trim() || undefined,
    ...overrides,
  };
  const parsed = Config.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`,
    );
    throw new AppError('ERR_CONFIG_INVALID', problems.join('; '));
  }
  return parsed.data;
}
