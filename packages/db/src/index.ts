export { csvField, csvRow, parseCsv, parseCsvLine } from './csv.ts';
export {
  type BulkSession,
  type CopyChunk,
  type CopyInput,
  type Database,
  type DatabaseOptions,
  type Db,
  openDatabase,
} from './database.ts';
export { type Migration, migrate, ping, readMigrations } from './migrate.ts';
export { Mutex } from './mutex.ts';
export { findPostgresBinDir } from './postgres-bin.ts';
