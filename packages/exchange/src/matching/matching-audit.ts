// The audit of a matching batch (ADR 0009): the people found become the members of one batch
// entry. Their subject keys (an HMAC each) and the members' Merkle tree cost about as much as
// comparing the batch, so on a job of several batches they are prepared in a worker thread while
// the main thread compares the next batch.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { type AuditEntryInput, type PreparedBatch, prepareAuditBatch } from '@dinhdanh/audit';

/**
 * The audit subject key of many ID numbers under one secret: the same HMAC-SHA-256 as the audit
 * package's `subjectKey` (a test holds them equal), with the key imported once. Importing a raw
 * key on every call costs ~20 µs here, more than the rest of matching one record; a KeyObject
 * brings it to ~2 µs.
 */
export function subjectKeyer(secret: Uint8Array): (idNumber: string) => string {
  if (secret.length < 32) throw new TypeError('the subject key secret must be at least 32 bytes');
  const key: KeyObject = createSecretKey(secret);
  return (idNumber) => {
    if (!/^\d{12}$/.test(idNumber)) throw new TypeError('a subject key is made from a 12-digit ID number');
    return createHmac('sha256', key).update(idNumber, 'utf8').digest('hex');
  };
}

/** A person found in a batch, before their subject key is computed. */
export interface MatchedMember {
  idNumber: string;
  /** Only when it differs from the batch entry's (a citizen's consent). */
  legalBasis?: string;
  /** Shared by the members of one shape (fields compared and released). */
  details: Record<string, unknown>;
}

/** A batch's audit entry, prepared, with what it took (ms): subject keys, then the entry itself. */
export interface PreparedMatchAudit {
  batch: PreparedBatch;
  keyMs: number;
  prepareMs: number;
}

/** Subject keys, then the batch entry with its members (the work a worker thread does). */
export function prepareMatchAudit(
  keyer: (idNumber: string) => string,
  entry: AuditEntryInput,
  members: readonly MatchedMember[],
): PreparedMatchAudit {
  const started = performance.now();
  const withKeys = members.map((member) => ({
    subjectKey: keyer(member.idNumber),
    ...(member.legalBasis === undefined ? {} : { legalBasis: member.legalBasis }),
    details: member.details,
  }));
  const keyed = performance.now();
  const batch = prepareAuditBatch(entry, withKeys);
  return { batch, keyMs: keyed - started, prepareMs: performance.now() - keyed };
}

/** Prepares batches' audit entries, in this thread or in a worker thread. */
export interface BatchAuditor {
  prepare(entry: AuditEntryInput, members: readonly MatchedMember[]): Promise<PreparedMatchAudit>;
  close(): Promise<void>;
}

/** In this thread: for a job of one batch, where a worker would cost more to start than it saves. */
export function inlineAuditor(secret: Uint8Array): BatchAuditor {
  const keyer = subjectKeyer(secret);
  return {
    prepare: async (entry, members) => prepareMatchAudit(keyer, entry, members),
    close: async () => {},
  };
}

/**
 * In a worker thread (`matching-audit.worker.ts`), batches in order. Members sharing a details
 * object still share it there (structured cloning keeps shared references), so the audit package
 * canonicalises each shape once. A worker that fails rejects every batch in flight.
 */
export function workerAuditor(secret: Uint8Array): BatchAuditor {
  const worker = new Worker(new URL('./matching-audit.worker.ts', import.meta.url), {
    workerData: { secret: Uint8Array.from(secret) },
  });
  worker.unref();
  const pending = new Map<
    number,
    { resolve: (value: PreparedMatchAudit) => void; reject: (error: Error) => void }
  >();
  let next = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.on('message', (message: { id: number; result?: PreparedMatchAudit; error?: string }) => {
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.result) waiting.resolve(message.result);
    else waiting.reject(new Error(`audit worker: ${message.error}`));
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`audit worker exited (${code})`)));
  return {
    prepare: (entry, members) =>
      new Promise<PreparedMatchAudit>((resolve, reject) => {
        if (failure) return reject(failure);
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, entry, members });
      }),
    close: async () => {
      failure ??= new Error('audit worker closed');
      await worker.terminate();
    },
  };
}
