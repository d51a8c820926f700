import type { Database } from '@dinhdanh/db';
import type { ExchangeContext } from '../context.ts';
import { DEFAULT_MAX_RECORD_LENGTH } from './record-reader.ts';

/** The exchange's context plus the database handle that can COPY (staging a file's records). */
export interface MatchingContext extends ExchangeContext {
  database: Database;
}

export interface MatchingSettings {
  /** Records per matching batch: one report row, one audit statement, one checkpoint. */
  batchSize: number;
  /** Records staged per COPY while uploading. */
  uploadBatch: number;
  /** A record longer than this fails the file. */
  maxRecordLength: number;
  /** Records per job; the ID numbers seen take 16–32 bytes each while the file streams in. */
  maxRecords: number;
  /** How long a process holds a job it uploads or matches without renewing; another takes over after. */
  leaseMs: number;
  /** How long a finished job's report is kept (the agency's data is theirs, not ours to keep). */
  retentionMs: number;
  /** Called when an upload has queued its job (the worker in this process starts at once). */
  onQueued?: ((jobId: string) => void) | undefined;
}

export const DAY_MS = 86_400_000;

export const defaultMatchingSettings: MatchingSettings = {
  batchSize: 10_000,
  uploadBatch: 20_000,
  maxRecordLength: DEFAULT_MAX_RECORD_LENGTH,
  maxRecords: 20_000_000,
  leaseMs: 60_000,
  retentionMs: 7 * DAY_MS,
};

export function resolveSettings(overrides: Partial<MatchingSettings>): MatchingSettings {
  const settings = { ...defaultMatchingSettings };
  for (const [key, value] of Object.entries(overrides))
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  return settings;
}
