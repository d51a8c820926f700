export {
  type BackupResult,
  type BackupTarget,
  backupDatabase,
  type RestoreProgress,
  type RestoreResult,
  restoreDatabase,
} from './backup/backup.ts';
export type { BackupManifest } from './backup/backup-file.ts';
export type { CountRows, Inventory } from './backup/backup-inventory.ts';
export { csvField, csvRow, parseCsv, parseCsvLine } from './csv.ts';
export {
  type BulkSession,
  type CopyChunk,
  type CopyInput,
  type Database,
  type DatabaseLimits,
  type DatabaseOptions,
  type Db,
  openDatabase,
  type PoolStats,
} from './database.ts';
export { type DatabaseFault, databaseFault } from './database-errors.ts';
export { type Migration, migrate, ping, readMigrations } from './migrate.ts';
export { Mutex } from './mutex.ts';
export { findPostgresBinDir } from './postgres-bin.ts';
