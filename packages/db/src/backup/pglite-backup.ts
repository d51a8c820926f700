import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGzip } from 'node:zlib';
import { AppError } from '@dinhdanh/kernel';
import { dataDirInUseBy } from '../data-dir-lock.ts';
import { openDatabase } from '../database.ts';
import {
  assertNewBackupFile,
  type BackupFile,
  type BackupManifest,
  backupPayload,
  writeBackupFile,
} from './backup-file.ts';
import {
  asideStamp,
  type CountRows,
  type Inventory,
  type RestoreOptions,
  takeInventory,
} from './backup-inventory.ts';

/**
 * PGlite has a single writer and no snapshot another process could share, so a consistent copy
 * needs the data directory to itself: a directory locked by a running server is refused.
 */
function assertNotInUse(dataDir: string, doing: string): void {
  const owner = dataDirInUseBy(dataDir);
  if (owner !== undefined)
    throw new AppError(
      'ERR_DATABASE_IN_USE',
      `${dataDir} is held by process ${owner} (probably \`dinhdanh serve\`). PGlite cannot be ${doing} ` +
        'while it runs; stop it first, then run this command again.',
    );
}

/** The data directory as PGlite's own tar dump, gzipped, behind the manifest. */
export async function backupPglite(
  dataDir: string,
  file: string,
  counts: CountRows,
  now: Date,
): Promise<{ manifest: BackupManifest; bytes: number }> {
  assertNotInUse(dataDir, 'backed up');
  if (!existsSync(path.join(dataDir, 'PG_VERSION')))
    throw new AppError('ERR_NOT_FOUND', `there is no database in ${dataDir} to back up`);
  assertNewBackupFile(file);
  const database = await openDatabase({ dataDir });
  try {
    const inventory = await takeInventory(database.db, counts);
    const tar = await database.dumpDataDir!();
    const manifest: BackupManifest = {
      format: 'dinhdanh-backup',
      version: 1,
      engine: 'pglite',
      payload: 'pglite-data-dir.tar.gz',
      createdAt: now.toISOString(),
      ...inventory,
    };
    const gzipped = pipeline(Readable.fromWeb(tar.stream() as WebReadableStream), createGzip(), () => {});
    return { manifest, ...(await writeBackupFile(file, manifest, gzipped)) };
  } finally {
    await database.close();
  }
}

export interface PgliteRestore {
  inventory: Inventory;
  target: string;
  movedAsideTo?: string;
}

/**
 * Loads the dump into a new directory beside the target, and only when that worked swaps it in:
 * a bad payload never touches the target. An occupied target is refused unless `force`; then it
 * is renamed aside, never deleted.
 */
export async function restorePglite(
  dataDir: string,
  backup: BackupFile,
  options: RestoreOptions,
): Promise<PgliteRestore> {
  assertNotInUse(dataDir, 'restored');
  const occupied = existsSync(dataDir) && readdirSync(dataDir).length > 0;
  const stamp = asideStamp(options.now);
  const aside = `${dataDir}.before-restore-${stamp}`;
  if (occupied && !options.force)
    throw new AppError(
      'ERR_RESTORE_TARGET_NOT_EMPTY',
      `${dataDir} already holds a database. Point DINHDANH_DATA_DIR at a new folder, or add --force ` +
        `to move this one to ${aside} and restore in its place.`,
    );
  await options.verify();
  const chunks: Buffer[] = [];
  for await (const chunk of backupPayload(backup, options.onBytes)) chunks.push(chunk as Buffer);
  // The type tells PGlite to gunzip before untarring.
  const dump = new Blob(chunks, { type: 'application/x-gzip' });

  const staging = `${dataDir}.restoring-${stamp}`;
  await mkdir(path.dirname(dataDir), { recursive: true });
  let inventory: Inventory;
  try {
    const database = await openDatabase({ dataDir: staging, loadDataDir: dump });
    try {
      inventory = await takeInventory(database.db, options.counts);
    } finally {
      await database.close();
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw new AppError(
      'ERR_BACKUP_FAILED',
      `the data directory could not be loaded: ${(error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
  if (occupied) await rename(dataDir, aside);
  else if (existsSync(dataDir)) await rmdir(dataDir);
  await rename(staging, dataDir);
  return { inventory, target: dataDir, ...(occupied ? { movedAsideTo: aside } : {}) };
}
