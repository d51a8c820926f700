import { fileURLToPath } from 'node:url';
import { type Migration, readMigrations } from '@dinhdanh/db';

/** The audit schema's migrations, in order. */
export function auditMigrations(): Promise<Migration[]> {
  return readMigrations('audit', fileURLToPath(new URL('../migrations/', import.meta.url)));
}
