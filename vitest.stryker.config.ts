import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The Vitest configuration Stryker runs (`npm run test:mutation`, see docs/testing.md), not `npm test`.
//
// Stryker mutates a copy of the repository (its sandbox) and links the sandbox to the real
// node_modules, where `@dinhdanh/*` are links to the real packages: without the aliases below the
// tests would import the unmutated originals and every mutant would survive. Each workspace's
// `exports` is mapped to its files in this copy.
const root = import.meta.dirname;
const alias: { find: RegExp; replacement: string }[] = [];
for (const group of ['packages', 'apps'])
  for (const name of readdirSync(path.join(root, group))) {
    let manifest: { name?: string; exports?: Record<string, string> };
    try {
      manifest = JSON.parse(readFileSync(path.join(root, group, name, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (!manifest.name || !manifest.exports) continue;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const specifier = path.posix.join(manifest.name, subpath);
      const escaped = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      alias.push({ find: new RegExp(`^${escaped}$`), replacement: path.join(root, group, name, target) });
    }
  }

// The unit tests and the database tests on embedded PGlite: the CLI's tests run the CLI as a
// child process (which imports the real packages, not the sandbox), the browser tests need a
// browser, and PostgreSQL would run the same tests a second time.
const dbTests = ['packages/*/src/**/*.db.test.ts', 'apps/server/test/**/*.db.test.ts'];

/**
 * Stryker stops at a mutant's first failing test: the cheapest files first — unit tests, then a
 * package's database tests, then the server's (each starts a whole server), smaller before larger.
 */
class CheapestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) =>
      spec.project.name === 'unit' ? 0 : spec.moduleId.includes(`${path.sep}apps${path.sep}`) ? 2 : 1;
    const size = (spec: TestSpecification) => statSync(spec.moduleId).size;
    return [...files].sort((a, b) => rank(a) - rank(b) || size(a) - size(b));
  }
}

export default defineConfig({
  resolve: { alias },
  test: {
    sequence: { sequencer: CheapestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          exclude: [...dbTests, '**/node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'db-pglite',
          include: dbTests,
          globalSetup: ['test/global-setup.pglite.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
