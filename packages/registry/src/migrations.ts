import { fileURLToPath } from 'node:url';
import { type Migration, readMigrations } from '@dinhdanh/db';

/** The registry schema's migrations, in order. */
export function registryMigrations(): Promise<Migration[]> {
  return readMigrations('registry', fileURLToPath(new URL('../migrations/', import.meta.url)));
}
