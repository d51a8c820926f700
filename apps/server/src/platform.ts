import { auditMigrations, SUBJECT_KEY_NAME } from '@dinhdanh/audit';
import { cardMigrations } from '@dinhdanh/card';
import { type Database, type DatabaseLimits, type Migration, migrate, openDatabase } from '@dinhdanh/db';
import { exchangeMigrations } from '@dinhdanh/exchange';
import { identityMigrations } from '@dinhdanh/identity';
import { type Config, FileKeyStore, type KeyStore } from '@dinhdanh/kernel';
import { loadProviderKeys, oidcMigrations, type PrivateJwk } from '@dinhdanh/oidc';
import { AdminUnits, loadAdminUnits, registryMigrations } from '@dinhdanh/registry';

/** Every package's migrations, in dependency order. A new package adds its list here. */
export async function platformMigrations(): Promise<Migration[]> {
  return [
    ...(await auditMigrations()),
    ...(await registryMigrations()),
    ...(await identityMigrations()),
    // oidc after identity's (oidc → identity → registry → audit).
    ...(await oidcMigrations()),
    ...(await cardMigrations()),
    // exchange after oidc's: agencies are also OAuth clients.
    ...(await exchangeMigrations()),
  ];
}

/** Brings a database to the current schema and loads reference data. Safe to run on every start. */
export async function prepareDatabase(database: Database): Promise<{ applied: string[] }> {
  const applied = await migrate(database, await platformMigrations());
  await loadAdminUnits(database);
  return { applied };
}

/**
 * The server's database limits, derived from a read's deadline: a statement may use all of it,
 * waiting on a lock half of it (so the caller still gets a clear answer in time), waiting for a
 * pooled connection all of it.
 */
export function serverDatabaseLimits(config: Config): DatabaseLimits {
  return {
    statementTimeoutMs: config.requestDeadlineMs,
    lockTimeoutMs: Math.max(50, Math.floor(config.requestDeadlineMs / 2)),
    acquireTimeoutMs: config.requestDeadlineMs,
    idleInTransactionTimeoutMs: Math.max(60_000, config.writeDeadlineMs * 2),
  };
}

export interface OpenOptions {
  /** The server's limits (see serverDatabaseLimits); CLI jobs run unlimited. */
  limits?: DatabaseLimits;
  /** Told of connections the database ends (restarts, failovers). */
  onConnectionError?: (error: Error) => void;
}

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else PGlite in the data dir. */
export function openConfiguredDatabase(config: Config, options: OpenOptions = {}): Promise<Database> {
  return openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    limits: options.limits,
    onConnectionError: options.onConnectionError,
  });
}

/**
 * The key store: files under DINHDANH_KEYS_DIR. Outside production a missing key is created on
 * first use; production refuses, so keys are provisioned deliberately (`dinhdanh keys init`).
 */
export function keyStore(config: Config): KeyStore {
  return new FileKeyStore(config.keysDir, { allowCreate: config.mode !== 'production' });
}

/**
 * The officer-token HMAC key: from configuration, or from the key store, so the CLI and the
 * server agree without setup.
 */
export async function officerTokenKey(config: Config): Promise<Uint8Array> {
  if (config.officerTokenSecret) return Buffer.from(config.officerTokenSecret, 'base64url');
  return keyStore(config).secret('officer-token');
}

/**
 * The OpenID provider's key material: signing JWKs (file under the keys directory, rotated with
 * `dinhdanh rp rotate-keys`), the cookie key and the pairwise-subject key from the key store.
 */
export async function oidcKeyMaterial(
  config: Config,
  keys: KeyStore,
): Promise<{ signingKeys: PrivateJwk[]; cookieKey: Uint8Array; pairwiseKey: Uint8Array }> {
  return {
    signingKeys: await loadProviderKeys(config.keysDir, { allowCreate: config.mode !== 'production' }),
    cookieKey: await keys.secret('oidc-cookie'),
    pairwiseKey: await keys.secret('oidc-pairwise'),
  };
}

export interface Platform {
  config: Config;
  database: Database;
  units: AdminUnits;
  keys: KeyStore;
  officerTokenKey: Uint8Array;
  /** HMAC secret for audit subject keys (pseudonymous references to people). */
  subjectSecret: Uint8Array;
  /** HMAC key of identity's one-time codes and throttle keys. */
  identitySecret: Uint8Array;
}

/** Opens, migrates and loads what every command and the server need. */
export async function openPlatform(
  config: Config,
  options: { migrate?: boolean } & OpenOptions = {},
): Promise<Platform> {
  const database = await openConfiguredDatabase(config, options);
  try {
    if (options.migrate ?? true) await prepareDatabase(database);
    const units = await AdminUnits.load(database.db);
    const keys = keyStore(config);
    return {
      config,
      database,
      units,
      keys,
      officerTokenKey: await officerTokenKey(config),
      subjectSecret: await keys.secret(SUBJECT_KEY_NAME),
      identitySecret: await keys.secret('identity-codes'),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
