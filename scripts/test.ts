// `npm test`: the whole suite — typecheck, lint, web build, then unit, database (PGlite and a
// real PostgreSQL the run starts itself) and end-to-end tests. Stops at the first failing step.
import { spawnSync } from 'node:child_process';
import { ensureSystemPackages, testSystemPackages } from './system-packages.ts';

// A fresh Debian machine lacks the servers and the browser the tests use: install them (as root)
// or say which command does.
if (!ensureSystemPackages(testSystemPackages)) {
  process.stderr.write('\n✗ the test suite needs the packages above\n\n');
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
