import { type Database, type Migration, migrate, openDatabase } from '@dinhdanh/db';
import { type Config, FileKeyStore } from '@dinhdanh/kernel';
import { AdminUnits, loadAdminUnits, registryMigrations } from '@dinhdanh/registry';

/** Every package's migrations, in dependency order. A new package adds its list here. */
export async function platformMigrations(): Promise<Migration[]> {
  return [...(await registryMigrations())];
}

/** Brings a database to the current schema and loads reference data. Safe to run on every start. */
export async function prepareDatabase(database: Database): Promise<{ applied: string[] }> {
  const applied = await migrate(database, await platformMigrations());
  await loadAdminUnits(database);
  return { applied };
}

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else PGlite in the data dir. */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
}

/**
 * The officer-token HMAC key: from configuration, or (outside production) a key created on
 * first use in the file key store, so the CLI and the server agree without setup.
 */
export async function officerTokenKey(config: Config): Promise<Uint8Array> {
  if (config.officerTokenSecret) return Buffer.from(config.officerTokenSecret, 'base64url');
  const store = new FileKeyStore(config.keysDir, { allowCreate: config.mode !== 'production' });
  return store.secret('officer-token');
}

export interface Platform {
  config: Config;
  database: Database;
  units: AdminUnits;
  officerTokenKey: Uint8Array;
}

/** Opens, migrates and loads what every command and the server need. */
export async function openPlatform(config: Config, options: { migrate?: boolean } = {}): Promise<Platform> {
  const database = await openConfiguredDatabase(config);
  try {
    if (options.migrate ?? true) await prepareDatabase(database);
    const units = await AdminUnits.load(database.db);
    return { config, database, units, officerTokenKey: await officerTokenKey(config) };
  } catch (error) {
    await database.close();
    throw error;
  }
}
