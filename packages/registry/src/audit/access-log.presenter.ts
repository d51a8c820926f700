import type { AccessLogEntry } from '@dinhdanh/audit';
import { z } from 'zod';

/** One line of a person's access log as the API shows it. */
export const AccessLogItem = z.object({
  entryId: z.number(),
  recordedAt: z.string(),
  actor: z.object({ kind: z.string(), id: z.string(), unit: z.string().nullable() }),
  action: z.string(),
  purpose: z.string().nullable(),
  legalBasis: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  /** Position in the Merkle tree; null until the sequencer has reached the entry. */
  leafIndex: z.number().nullable(),
});
export type AccessLogItem = z.infer<typeof AccessLogItem>;

export function presentAccessLogEntry(entry: AccessLogEntry): AccessLogItem {
  return { ...entry, recordedAt: entry.recordedAt.toISOString() };
}

/** Paging of an access log: newest first, `before` = the smallest entryId already shown. */
export const AccessLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().min(1).optional(),
});
