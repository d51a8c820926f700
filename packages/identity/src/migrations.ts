import { fileURLToPath } from 'node:url';
import { type Migration, readMigrations } from '@dinhdanh/db';

/** The identity schema's migrations, in order. Applied after the registry's. */
export function identityMigrations(): Promise<Migration[]> {
  return readMigrations('identity', fileURLToPath(new URL('../migrations/', import.meta.url)));
}
