import { fileURLToPath } from 'node:url';
import { type Migration, readMigrations } from '@dinhdanh/db';

/** The card schema's migrations, in order. */
export function cardMigrations(): Promise<Migration[]> {
  return readMigrations('card', fileURLToPath(new URL('../migrations/', import.meta.url)));
}
