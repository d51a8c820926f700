import { parentPort, workerData } from 'node:worker_threads';
import { type GeneratorOptions, PopulationGenerator } from './seed.generator.ts';

/**
 * Generates batches in a worker thread so that the next batch is built while the main thread
 * streams the current one to the database. One batch per 'next' message, null at the end.
 */
const port = parentPort;
if (!port) throw new Error('seed.worker.ts runs as a worker thread');
const generator = new PopulationGenerator(workerData as GeneratorOptions);
port.on('message', () => {
  try {
    const batch = generator.nextBatch() ?? null;
    // The chunks' memory moves to the main thread instead of being copied.
    const transfer = batch
      ? [batch.household, batch.householdEvent, batch.person, batch.personEvent]
          .flat()
          .map((chunk) => chunk.buffer)
      : [];
    port.postMessage({ batch }, transfer as ArrayBuffer[]);
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
