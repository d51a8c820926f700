import { AppError } from '@dinhdanh/kernel';
import {
  type BackupEngine,
  type BackupManifest,
  readBackupFile,
  verifyBackupPayload,
} from './backup-file.ts';
import type { CountRows, Inventory } from './backup-inventory.ts';
import { backupPglite, restorePglite } from './pglite-backup.ts';
import { backupPostgres, restorePostgres } from './postgres-backup.ts';

/** Where the platform's data lives: PostgreSQL when `url` is set, else PGlite in `dataDir`. */
export interface BackupTarget {
  url?: string | undefined;
  dataDir: string;
}

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: BackupManifest;
}

/** Writes a consistent backup of the platform's database to a new file. */
export async function backupDatabase(
  target: BackupTarget,
  file: string,
  options: { counts: CountRows; now?: Date },
): Promise<BackupResult> {
  const now = options.now ?? new Date();
  const result = target.url
    ? await backupPostgres(target.url, file, options.counts, now)
    : await backupPglite(target.dataDir, file, options.counts, now);
  return { file, ...result };
}

export interface RestoreProgress {
  step: 'verify' | 'restore';
  bytes: number;
  total: number;
}

export interface RestoreResult {
  /** What the file said it held. */
  manifest: BackupManifest;
  /** What the restored database holds. */
  restored: Inventory;
  /** The data directory or database name restored into. */
  target: string;
  /** Where the data that was there before went (`--force`). */
  movedAsideTo?: string;
}

/**
 * Restores a backup into the configured database. Everything that can be refused is refused
 * before anything is touched, cheapest first: a foreign file, the other engine's backup, an
 * occupied target without `force`, then a damaged payload (its checksum needs a full read).
 */
export async function restoreDatabase(
  target: BackupTarget,
  file: string,
  options: {
    counts: CountRows;
    force?: boolean;
    now?: Date;
    onProgress?: (progress: RestoreProgress) => void;
  },
): Promise<RestoreResult> {
  const backup = await readBackupFile(file);
  const engine: BackupEngine = target.url ? 'postgres' : 'pglite';
  if (backup.manifest.engine !== engine)
    throw new AppError(
      'ERR_BACKUP_INCOMPATIBLE',
      `${file} is a ${backup.manifest.engine} backup, and this platform runs on ${engine} ` +
        `(${target.url ? 'DATABASE_URL is set' : 'DATABASE_URL is not set'}). Restore it where it was made.`,
    );
  const total = backup.end - backup.start;
  const progress = (step: RestoreProgress['step']) =>
    options.onProgress ? (bytes: number) => options.onProgress?.({ step, bytes, total }) : undefined;
  const restoreOptions = {
    force: options.force ?? false,
    verify: () => verifyBackupPayload(backup, progress('verify')),
    counts: options.counts,
    now: options.now ?? new Date(),
    ...(options.onProgress ? { onBytes: progress('restore') } : {}),
  };
  const restored = target.url
    ? await restorePostgres(target.url, backup, restoreOptions)
    : await restorePglite(target.dataDir, backup, restoreOptions);
  return {
    manifest: backup.manifest,
    restored: restored.inventory,
    target: restored.target,
    ...(restored.movedAsideTo ? { movedAsideTo: restored.movedAsideTo } : {}),
  };
}
