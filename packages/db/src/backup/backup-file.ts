import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline as pipeStreams, type Readable, Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { AppError } from '@dinhdanh/kernel';

/*
 * A dinhdanh backup file:
 *
 *   dinhdanh-backup/1\n
 *   {manifest as JSON}\n
 *   payload (PGlite: the data directory as tar.gz; PostgreSQL: pg_dump's custom format)
 *   \ndinhdanh-backup-end sha256=<hex of the payload> bytes=<payload length>\n
 *
 * The manifest comes first so that a restore can say what it is about to restore, and refuse a
 * foreign file, from the first few bytes. The checksum trails so that pg_dump's output streams
 * straight into the file without a temporary copy; a restore checks it before touching anything.
 */
const MAGIC = 'dinhdanh-backup/1\n';
const TRAILER = /\ndinhdanh-backup-end sha256=([0-9a-f]{64}) bytes=(\d+)\n$/;
const TRAILER_MAX = 120;
const HEADER_MAX = 256 * 1024;

export type BackupEngine = 'pglite' | 'postgres';

export interface BackupManifest {
  format: 'dinhdanh-backup';
  version: 1;
  engine: BackupEngine;
  /** How the payload is encoded. */
  payload: 'pglite-data-dir.tar.gz' | 'pg_dump-custom';
  createdAt: string;
  /** server_version_num of the database backed up (PGlite embeds a PostgreSQL too). */
  serverVersion: number;
  /** Applied platform migrations, `owner/name`, in the order they were applied. */
  migrations: string[];
  /** Row counts seen by the same snapshot as the payload. */
  counts: Record<string, number>;
  /** PostgreSQL only. */
  postgres?: {
    /** Major version of the pg_dump that wrote the payload: pg_restore must be at least as new. */
    pgDumpVersion: number;
    /** Schemas holding tables: "our schemas", which a restore target must not already use. */
    schemas: string[];
    /** Roles owning or granted objects in those schemas: they must exist where it is restored. */
    roles: string[];
  };
}

/** A backup file whose header and trailer were read; the payload is bytes [start, end). */
export interface BackupFile {
  file: string;
  manifest: BackupManifest;
  start: number;
  end: number;
  sha256: string;
}

/** Refuses before any work a backup that could not be written: an existing file, a missing folder. */
export function assertNewBackupFile(file: string): void {
  if (existsSync(file))
    throw new AppError('ERR_VALIDATION', `${file} already exists; choose a new file name`);
  if (!existsSync(path.dirname(path.resolve(file))))
    throw new AppError('ERR_VALIDATION', `the folder of ${file} does not exist`);
}

function invalid(file: string, why: string): AppError {
  return new AppError('ERR_BACKUP_INVALID', `${file}: ${why}`);
}

/** Counts and hashes the bytes passing through, for the trailer and for progress. */
function hashing(onBytes?: (total: number) => void) {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes?.(bytes);
      callback(null, chunk);
    },
  });
  return { stream, digest: () => ({ sha256: hash.digest('hex'), bytes }) };
}

/**
 * Writes a backup file: header, payload, trailer. It appears under its name only once complete
 * and flushed (written as `<file>.partial`, then renamed); `done` is the producer's own outcome
 * (pg_dump's exit), awaited before the file is kept. An existing file is never overwritten.
 */
export async function writeBackupFile(
  file: string,
  manifest: BackupManifest,
  payload: Readable,
  done: Promise<void> = Promise.resolve(),
): Promise<{ bytes: number }> {
  assertNewBackupFile(file);
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { flush: true });
  try {
    out.write(`${MAGIC}${JSON.stringify(manifest)}\n`);
    const hash = hashing();
    await Promise.all([pipeline(payload, hash.stream, out, { end: false }), done]);
    const { sha256, bytes } = hash.digest();
    out.end(`\ndinhdanh-backup-end sha256=${sha256} bytes=${bytes}\n`);
    await finished(out);
    await rename(partial, file);
    return { bytes };
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

/** Reads a backup file's header and trailer; anything else is refused as not a backup. */
export async function readBackupFile(file: string): Promise<BackupFile> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw invalid(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, HEADER_MAX));
    await handle.read(head, 0, head.length, 0);
    if (!head.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC)))
      throw invalid(file, 'does not start with the dinhdanh backup signature');
    const newline = head.indexOf(10, MAGIC.length);
    if (newline < 0) throw invalid(file, 'the manifest is incomplete');
    const manifest = parseManifest(file, head.subarray(MAGIC.length, newline).toString('utf8'));
    const tail = Buffer.alloc(Math.min(size, TRAILER_MAX));
    await handle.read(tail, 0, tail.length, size - tail.length);
    const trailer = TRAILER.exec(tail.toString('latin1'));
    if (!trailer) throw invalid(file, 'the end marker is missing (the file was cut short)');
    const start = newline + 1;
    const end = size - (tail.length - trailer.index);
    if (end - start !== Number(trailer[2]))
      throw invalid(file, `the payload is ${end - start} bytes, the end marker says ${trailer[2]}`);
    return { file, manifest, start, end, sha256: trailer[1]! };
  } finally {
    await handle.close();
  }
}

function parseManifest(file: string, text: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(file, 'the manifest is not JSON');
  }
  const m = value as Partial<BackupManifest>;
  const ok =
    m?.format === 'dinhdanh-backup' &&
    m.version === 1 &&
    ((m.engine === 'pglite' && m.payload === 'pglite-data-dir.tar.gz') ||
      (m.engine === 'postgres' && m.payload === 'pg_dump-custom' && typeof m.postgres === 'object')) &&
    typeof m.createdAt === 'string' &&
    Number.isInteger(m.serverVersion) &&
    Array.isArray(m.migrations) &&
    typeof m.counts === 'object';
  if (!ok) throw invalid(file, 'the manifest is not one this version understands');
  return m as BackupManifest;
}

/** The payload as a stream, counting bytes for a progress bar. */
export function backupPayload(backup: BackupFile, onBytes?: (total: number) => void): Readable {
  const stream = createReadStream(backup.file, { start: backup.start, end: backup.end - 1 });
  if (!onBytes) return stream;
  // pipeline, not pipe: a read error reaches the consumer instead of leaving it waiting.
  return pipeStreams(stream, hashing(onBytes).stream, () => {});
}

/** Reads the whole payload and compares its checksum: a damaged file is refused before use. */
export async function verifyBackupPayload(
  backup: BackupFile,
  onBytes?: (total: number) => void,
): Promise<void> {
  const hash = hashing(onBytes);
  await pipeline(backupPayload(backup), hash.stream, async (source) => {
    for await (const _ of source);
  });
  if (hash.digest().sha256 !== backup.sha256)
    throw invalid(backup.file, 'the payload checksum does not match: the file is damaged');
}
