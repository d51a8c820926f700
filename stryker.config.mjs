// Mutation testing of the security-critical modules (docs/testing.md): `npm run test:mutation`,
// never part of `npm test`. MUTATION_GROUP=<group> mutates one group only, with its own report.

/**
 * The modules whose every check a test must prove, by group (`file:from-to` mutates those lines),
 * and the tests that prove them: the module's own tests and the API tests of its feature. Other
 * tests that happen to run the code are left out, so a score is what these tests prove.
 */
export const groups = {
  exchange: {
    mutate: [
      'packages/exchange/src/auth/agency-authenticator.ts',
      'packages/exchange/src/auth/dpop.ts',
      'packages/exchange/src/auth/purpose.ts',
      'packages/exchange/src/auth/usage-meter.ts',
      // The agencies' field policy and legal basis.
      'packages/exchange/src/people/people.service.ts',
    ],
    testFiles: ['packages/exchange/src/auth/*.test.ts', 'apps/server/test/exchange-api.db.test.ts'],
  },
  oidc: {
    mutate: [
      'packages/oidc/src/provider/level-policy.ts',
      // The provider's per-client configuration and the client certificate it trusts.
      'packages/oidc/src/provider/provider.ts:43-111',
      // Relying parties' registration: redirect URIs, keys, scopes.
      'packages/oidc/src/client/client.schema.ts',
      'packages/oidc/src/client/client.service.ts',
    ],
    testFiles: [
      'packages/oidc/src/provider/*.test.ts',
      'packages/oidc/src/client/*.test.ts',
      'apps/server/test/oidc-flow.db.test.ts',
    ],
  },
  identity: {
    mutate: [
      'packages/identity/src/login/login.service.ts',
      'packages/identity/src/login/throttle.ts',
      'packages/identity/src/credential/otp.ts',
      'packages/identity/src/credential/totp.ts',
      'packages/identity/src/session/session.service.ts',
      'packages/identity/src/lock/lock.service.ts',
    ],
    testFiles: ['packages/identity/src/**/*.test.ts', 'apps/server/test/identity*.db.test.ts'],
  },
  audit: {
    mutate: ['packages/audit/src/verify/verify-log.ts'],
    testFiles: ['packages/audit/src/**/*.test.ts'],
  },
  card: {
    mutate: [
      'packages/card/src/verify/passive-auth.ts',
      'packages/card/src/verify/active-auth.ts',
      'packages/card/src/verify/crypto.ts',
    ],
    testFiles: ['packages/card/src/**/*.test.ts', 'apps/server/test/card-*.db.test.ts'],
  },
  registry: {
    mutate: ['packages/registry/src/officer/officer.ts'],
    testFiles: ['packages/registry/src/officer/*.test.ts', 'apps/server/test/registry-api.db.test.ts'],
  },
};

const group = process.env.MUTATION_GROUP;
if (group !== undefined && !(group in groups))
  throw new Error(`MUTATION_GROUP must be one of ${Object.keys(groups).join(', ')}`);
const name = group ?? 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // Unit tests and the database tests on PGlite, with the workspaces resolved inside the sandbox.
  vitest: { configFile: 'vitest.stryker.config.ts', related: true },
  coverageAnalysis: 'perTest',
  // Two cores shared with others' test runs: one test runner at a time.
  concurrency: 1,
  // Mutants in code run only at import (constants) would each need every test file rerun.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `reports/mutation/${name}/stryker-incremental.json`,
  // A busy machine: a mutant is a timeout only when it is far slower than the test run.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 30,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}/mutation.html` },
  jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
  // TypeScript 7 has no JavaScript API for Stryker's tsconfig rewriting, which this repo does not need.
  tsconfigFile: 'no-tsconfig-for-stryker.json',
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: 'always',
  ignorePatterns: [
    '/data',
    '/apps/web',
    '/apps/cli',
    '/bench',
    '/docs',
    '/reports',
    '/test-results',
    '*.log',
  ],
  mutate: group ? groups[group].mutate : Object.values(groups).flatMap((g) => g.mutate),
  testFiles: group ? groups[group].testFiles : Object.values(groups).flatMap((g) => g.testFiles),
};
