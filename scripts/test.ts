// `npm test`: the whole suite — typecheck, lint, web build, then unit, database (PGlite and a
// real PostgreSQL the run starts itself) and end-to-end tests. Stops at the first failing step.
import { spawnSync } from 'node:child_process';
import { findPostgresBinDir, POSTGRES_MISSING_MESSAGE } from '../packages/db/src/testing/postgres-cluster.ts';

if (!findPostgresBinDir()) {
  process.stderr.write(`\n✗ ${POSTGRES_MISSING_MESSAGE}\n\n`);
  process.exit(1);
}

const steps: [string, string[]][] = [
  ['typecheck', ['tsc', '-p', 'tsconfig.json']],
  ['typecheck web', ['tsc', '-p', 'apps/web/tsconfig.json']],
  ['lint', ['biome', 'check', '.']],
  ['build web', ['vite', 'build', 'apps/web', '--logLevel', 'warn']],
  ['tests', ['vitest', 'run', ...process.argv.slice(2)]],
];

for (const [name, [command, ...args]] of steps) {
  const started = Date.now();
  process.stdout.write(`\n▶ ${name}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(`node_modules/.bin/${command}`, args, { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(`\n✗ ${name} failed after ${seconds} s\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`✓ ${name} (${seconds} s)\n`);
}
