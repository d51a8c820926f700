import { fileURLToPath } from 'node:url';
import { type Migration, readMigrations } from '@dinhdanh/db';

/** The oidc schema's migrations, in order. */
export function oidcMigrations(): Promise<Migration[]> {
  return readMigrations('oidc', fileURLToPath(new URL('../migrations/', import.meta.url)));
}
