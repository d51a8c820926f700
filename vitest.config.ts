import { defineConfig } from 'vitest/config';

// Tests that touch SQL are named *.db.test.ts and run twice: on embedded PGlite and on a real
// PostgreSQL that the run starts itself. Everything else runs once.
const dbTests = [
  'packages/*/src/**/*.db.test.ts',
  'apps/*/src/**/*.db.test.ts',
  'apps/*/test/**/*.db.test.ts',
];

export default defineConfig({
  test: {
    // Vitest's default is one worker per core minus one: a single worker on these 2-core machines.
    // Most test time is spent waiting on PostgreSQL, PGlite and CLI child processes, so three
    // workers overlap that waiting instead of queueing behind it.
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
          exclude: [...dbTests, '**/node_modules/**', '**/*.e2e.test.ts', '**/*.fault.test.ts'],
          // A few unit tests run the CLI as a child process.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'db-pglite',
          include: dbTests,
          globalSetup: ['test/global-setup.pglite.ts'],
          // CLI tests spawn a process per command (PGlite: several seconds each on a busy machine).
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'db-postgres',
          include: dbTests,
          globalSetup: ['test/global-setup.postgres.ts'],
          // CLI tests spawn a process per command (PGlite: several seconds each on a busy machine).
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Fault injection: each file runs its own PostgreSQL (and Redis, NATS) and restarts them.
          name: 'faults',
          include: ['apps/*/test/**/*.fault.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['apps/*/test/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
