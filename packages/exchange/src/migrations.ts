import { fileURLToPath } from 'node:url';
import { type Migration, readMigrations } from '@dinhdanh/db';

/** The exchange schema's migrations, in order. */
export function exchangeMigrations(): Promise<Migration[]> {
  return readMigrations('exchange', fileURLToPath(new URL('../migrations/', import.meta.url)));
}
