import { type Database, type Migration, migrate } from '@dinhdanh/db';
import { loadAdminUnits, registryMigrations } from '@dinhdanh/registry';

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
