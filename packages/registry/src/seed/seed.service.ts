import { Worker } from 'node:worker_threads';
import type { BulkSession, Database } from '@dinhdanh/db';
import { personColumns } from '../person/person.state.ts';
import { dayOf, isoOf } from './seed.dates.ts';
import { type GeneratorOptions, PopulationGenerator, type SeedBatch } from './seed.generator.ts';
import { loadReference } from './seed.reference.ts';

export interface SeedProgress {
  /** People committed so far. */
  done: number;
  total: number;
}

export interface SeedOptions {
  /** How many person records to create (the deceased on household records count too). */
  people: number;
  /** Same seed, same population (on an empty database). Default 1. */
  seed?: number;
  /** Only this 2025 province (2-digit code). */
  province?: string;
  /** People per transaction; default 10,000. */
  batchSize?: number;
  /** The date the population is as of (ages, events recorded at); default 2025-07-01. */
  asOf?: string;
  onProgress?: (progress: SeedProgress) => void;
  /** Stops after the batch being written (which commits or rolls back whole); rejects with the reason. */
  signal?: AbortSignal;
  /** Generate in a worker thread while the database loads the previous batch; default when > 1 batch. */
  worker?: boolean;
  /**
   * PostgreSQL only: batches loaded at the same time, each in its own transaction on its own
   * connection; default 2 (the server parses and indexes on two cores while a worker generates).
   */
  concurrency?: number;
}

export interface SeedResult {
  people: number;
  households: number;
  /** Person and household events. */
  events: number;
}

export const householdColumns = [
  'household_id',
  'head_id_number',
  'commune_code',
  'province_code',
  'address',
  'residence_file_number',
  'version',
] as const;
export const householdEventColumns = [
  'household_id',
  'version',
  'type',
  'recorded_at',
  'actor',
  'reason',
  'legal_basis',
  'data',
] as const;
export const personEventColumns = [
  'id_number',
  'version',
  'type',
  'effective_date',
  'recorded_at',
  'actor',
  'actor_unit',
  'reason',
  'legal_basis',
  'data',
] as const;

export const DEFAULT_AS_OF = '2025-07-01';
export const DEFAULT_BATCH_SIZE = 10_000;

/** The inverse of permutedSerial's multiplier 738,181 modulo 10^6 (738,181 × 502,221 ≡ 1). */
const SERIAL_INVERSE = 502_221;
/** More ID numbers than this taken outside the seeder's sequences, and the seeder refuses (memory). */
const MAX_TAKEN = 5_000_000;

/**
 * Seeds a synthetic population: realistic, deterministic, streamed batch by batch with COPY.
 *
 * Each batch — whole households with all their members and every event — is one transaction,
 * so an interrupted seed (Ctrl-C through `signal`, a crash) leaves only whole households.
 *
 * A database that already holds people is added to, never clashed with: ID-number serials
 * continue each prefix's sequence after the people a previous seed left (found by inverting the
 * serial permutation), skip numbers registered otherwise, household ids continue after the
 * highest, and the seed is salted with the number of people already there so that a second run
 * adds different people. On an empty database the same seed gives the same population.
 */
export async function seedPopulation(database: Database, options: SeedOptions): Promise<SeedResult> {
  const people = options.people;
  if (!Number.isInteger(people) || people < 0) throw new RangeError('people must be a whole number ≥ 0');
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be ≥ 1');
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new RangeError('seed must be a whole number');
  if (options.province !== undefined && !loadReference().provinces.has(options.province))
    throw new RangeError(`${options.province} is not a 2025 province code`);
  const asOf = options.asOf ?? DEFAULT_AS_OF;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || isoOf(dayOf(asOf)) !== asOf || asOf < '1990-01-01')
    throw new RangeError(`asOf ${asOf} must be a date (YYYY-MM-DD) from 1990 on`);
  const signal = options.signal;
  signal?.throwIfAborted();
  const result: SeedResult = { people: 0, households: 0, events: 0 };
  if (people === 0) return result;

  const existing = await existingState(database);
  const generatorOptions: GeneratorOptions = {
    people,
    seed: existing.people > 0 ? mixSeed(seed, existing.people) : seed,
    province: options.province,
    batchSize,
    asOf,
    firstHouseholdId: existing.maxHouseholdId + 1,
    idCounters: existing.idCounters,
    takenIdNumbers: existing.taken,
  };
  const concurrency = database.kind === 'postgres' ? Math.max(1, Math.floor(options.concurrency ?? 2)) : 1;
  const useWorker = options.worker ?? people > batchSize;
  const source = useWorker
    ? workerSource(generatorOptions, concurrency + 1)
    : inProcessSource(generatorOptions);

  let committed = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  try {
    for (;;) {
      if (signal?.aborted) break;
      const batch = await source.next();
      if (!batch) break;
      const task = loadBatch(database, batch, signal).then(() => {
        committed++;
        result.people += batch.people;
        result.households += batch.households;
        result.events += batch.personEvents + batch.householdEvents;
        options.onProgress?.({ done: result.people, total: people });
      });
      inFlight.add(task);
      task.then(
        () => inFlight.delete(task),
        () => inFlight.delete(task),
      );
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } catch (error) {
    failure = error;
    await Promise.allSettled(inFlight);
  } finally {
    await source.close();
  }
  if (committed > 0) {
    const bump = bumpHouseholdSequence(database);
    if (failure === undefined && !signal?.aborted) await bump;
    else await bump.catch(() => {});
  }
  if (failure !== undefined) throw failure;
  signal?.throwIfAborted();
  return result;
}

async function loadBatch(
  database: Database,
  batch: SeedBatch,
  signal: AbortSignal | undefined,
): Promise<void> {
  await database.bulk(async (session: BulkSession) => {
    // A crash may lose the last batches committed, never part of one; a seed does not need to
    // wait for each commit to reach the disk.
    if (database.kind === 'postgres') await session.exec('SET LOCAL synchronous_commit = off');
    // An abort between two tables rolls the whole batch back.
    signal?.throwIfAborted();
    await session.copy('registry.household', householdColumns, batch.household);
    signal?.throwIfAborted();
    await session.copy('registry.household_event', householdEventColumns, batch.householdEvent);
    signal?.throwIfAborted();
    await session.copy('registry.person', personColumns, batch.person);
    signal?.throwIfAborted();
    await session.copy('registry.person_event', personEventColumns, batch.personEvent);
    signal?.throwIfAborted();
  });
}

async function bumpHouseholdSequence(database: Database): Promise<void> {
  await database.exec(
    "SELECT setval(pg_get_serial_sequence('registry.household', 'household_id'), max(household_id)) FROM registry.household",
  );
}

interface ExistingState {
  people: number;
  maxHouseholdId: number;
  idCounters: [string, number][];
  taken: string[];
}

/**
 * What is already in the database. For each ID prefix, the length of the run of serial indexes
 * 0, 1, 2 … present (a previous seed's people), and the numbers beyond that run (registered
 * otherwise, or a seed with gaps), which the generator skips.
 */
async function existingState(database: Database): Promise<ExistingState> {
  return database.bulk(async (session) => {
    const [counts] = await session.query<{ people: string | number; max_household: string | number }>(
      `SELECT (SELECT count(*) FROM registry.person) AS people,
              (SELECT coalesce(max(household_id), 0) FROM registry.household) AS max_household`,
    );
    const state: ExistingState = {
      people: Number(counts?.people ?? 0),
      maxHouseholdId: Number(counts?.max_household ?? 0),
      idCounters: [],
      taken: [],
    };
    if (state.people === 0) return state;
    const rows = await session.query<{ prefix: string; start: number; taken: string[] | string | null }>(
      `SELECT prefix, count(*) FILTER (WHERE n = rn)::int AS start,
              array_agg(id_number::text ORDER BY n) FILTER (WHERE n <> rn) AS taken
         FROM (SELECT id_number, prefix, n, row_number() OVER (PARTITION BY prefix ORDER BY n) - 1 AS rn
                 FROM (SELECT id_number, left(id_number, 6) AS prefix,
                              (((right(id_number, 6)::bigint - (left(id_number, 6)::bigint * 7919) % 1000000
                                 + 1000000) % 1000000) * ${SERIAL_INVERSE}) % 1000000 AS n
                         FROM registry.person
                        WHERE id_number ~ '^[0-9]{12}$') AS numbered) AS ranked
        GROUP BY prefix`,
    );
    for (const row of rows) {
      state.idCounters.push([row.prefix, Number(row.start)]);
      for (const id of parseTextArray(row.taken)) state.taken.push(id);
      if (state.taken.length > MAX_TAKEN)
        throw new Error(
          `the database holds more than ${MAX_TAKEN} ID numbers outside the seeder's sequences; seed an empty database instead`,
        );
    }
    return state;
  });
}

/** Drivers return text[] as an array (pg) or, in some paths, as a literal "{a,b}". */
function parseTextArray(value: string[] | string | null): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean);
}

/** A 32-bit mix of the seed and the number of people already present. */
function mixSeed(seed: number, existing: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ existing;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

interface BatchSource {
  next(): Promise<SeedBatch | undefined>;
  close(): Promise<void>;
}

function inProcessSource(options: GeneratorOptions): BatchSource {
  const generator = new PopulationGenerator(options);
  return {
    next: async () => generator.nextBatch(),
    close: async () => {},
  };
}

/** Batches from a worker thread, keeping `depth` requests outstanding so generation overlaps loading. */
function workerSource(options: GeneratorOptions, depth: number): BatchSource {
  const worker = new Worker(new URL('./seed.worker.ts', import.meta.url), { workerData: options });
  const waiting: { resolve: (batch: SeedBatch | undefined) => void; reject: (error: unknown) => void }[] = [];
  const queue: Promise<SeedBatch | undefined>[] = [];
  let closed = false;
  let failed: unknown;
  const failAll = (error: unknown) => {
    failed ??= error;
    for (const pending of waiting.splice(0)) pending.reject(error);
  };
  worker.on('message', (message: { batch?: SeedBatch | null; error?: string }) => {
    const pending = waiting.shift();
    if (!pending) return;
    if (message.error !== undefined) pending.reject(new Error(`seed generator failed: ${message.error}`));
    else pending.resolve(message.batch ?? undefined);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => {
    if (!closed) failAll(new Error(`seed generator exited with code ${code}`));
  });
  const request = () => {
    const promise = new Promise<SeedBatch | undefined>((resolve, reject) => {
      if (failed !== undefined) return reject(failed);
      waiting.push({ resolve, reject });
    });
    promise.catch(() => {}); // observed by the consumer; never an unhandled rejection
    queue.push(promise);
    if (failed === undefined) worker.postMessage('next');
  };
  for (let i = 0; i < depth; i++) request();
  return {
    next: () => {
      const promise = queue.shift()!;
      request();
      return promise;
    },
    close: async () => {
      closed = true;
      await worker.terminate();
    },
  };
}
