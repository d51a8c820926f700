import type { Database } from '@dinhdanh/db';
import { AppError } from '@dinhdanh/kernel';
import { seedPopulation } from '@dinhdanh/registry';
import type { Command } from 'commander';
import { withPlatform } from '../context.ts';
import { positiveInt, usageError } from '../output.ts';
import { progressBar } from '../progress.ts';

/** Seeds with a progress bar; Ctrl-C stops after the current batch, which commits or rolls back whole. */
export async function runSeed(
  database: Database,
  options: { people: number; seed: number; province?: string },
) {
  const bar = progressBar('seed', options.people, 'people');
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const result = await seedPopulation(database, {
      people: options.people,
      seed: options.seed,
      ...(options.province ? { province: options.province } : {}),
      signal: controller.signal,
      onProgress: ({ done }) => bar.update(done),
    });
    bar.stop();
    return result;
  } finally {
    process.off('SIGINT', onSignal);
    bar.stop();
  }
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('Generate a realistic, deterministic synthetic population')
    .requiredOption('--people <n>', 'number of people')
    .option('--seed <s>', 'random seed (same seed, same population)', '1')
    .option('--province <code>', 'only this 2025 province (2 digits)')
    .action(async (options: { people: string; seed: string; province?: string }) => {
      const people = positiveInt('people', options.people, 0);
      if (people === 0) usageError('--people must be at least 1');
      if (options.province && !/^\d{2}$/.test(options.province))
        usageError('--province must be a 2-digit 2025 province code');
      await withPlatform(async (platform) => {
        if (options.province && !platform.units.find('2025', 'province', options.province))
          throw new AppError('ERR_ADMIN_UNIT_UNKNOWN', `no 2025 province with code ${options.province}`);
        const started = Date.now();
        const result = await runSeed(platform.database, {
          people,
          seed: positiveInt('seed', options.seed, 1),
          ...(options.province ? { province: options.province } : {}),
        });
        const seconds = (Date.now() - started) / 1000;
        process.stdout.write(
          `seeded ${result.people} people, ${result.households} households, ${result.events} events in ${seconds.toFixed(1)} s (${Math.round(result.people / seconds)} people/s)\n`,
        );
      });
    });
}
