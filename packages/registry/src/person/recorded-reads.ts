import { type AuditEntryInput, insertEntriesCte, prepareEntries } from '@dinhdanh/audit';
import type { Db } from '@dinhdanh/db';
import type { Clock } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import { type PersonState, rowToState } from './person.state.ts';

interface Waiting {
  idNumber: string;
  entry: AuditEntryInput;
  resolve: (found: { state: PersonState; version: number } | undefined) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 500;

/**
 * Person reads that must be on the access log, batched: the lookups that arrive while a batch
 * is in flight go together in one statement that inserts all their audit entries and selects all
 * their people — one transaction for the whole batch, so every read is still recorded atomically
 * with the read itself, at the cost of one statement instead of one per request. Nothing waits
 * for a timer: an idle system sends a batch of one at once.
 */
export class RecordedPersonReads {
  readonly #db: Db;
  readonly #clock: Clock;
  #queue: Waiting[] = [];
  #flushing = false;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  read(
    idNumber: string,
    entry: AuditEntryInput,
  ): Promise<{ state: PersonState; version: number } | undefined> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ idNumber, entry, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        try {
          const prepared = prepareEntries(
            batch.map((waiting) => waiting.entry),
            { clock: this.#clock },
          );
          const ids = [...new Set(batch.map((waiting) => waiting.idNumber))];
          const { rows } = await sql<Record<string, unknown>>`
            WITH ${insertEntriesCte(prepared)}
            SELECT * FROM registry.person WHERE id_number = ANY(${ids}::char(12)[])`.execute(this.#db);
          const byId = new Map(rows.map((row) => [String(row.id_number), row]));
          for (const waiting of batch) {
            const row = byId.get(waiting.idNumber);
            waiting.resolve(row ? { state: rowToState(row), version: Number(row.version) } : undefined);
          }
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }
}
