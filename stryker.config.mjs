// Mutation testing of the money core (`npm run mutate`): every mutant is run against the unit
// layer only (vitest.unit.config.ts: no local AWS), two at a time for a 2-core machine.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'shared/platform/money.ts',
    'shared/ledger/**/*.ts',
    'shared/budgets/**/*.ts',
    'shared/marketplace/checkout.ts',
    'shared/marketplace/refund.ts',
  ],
  concurrency: 2,
  coverageAnalysis: 'perTest',
  // Log and error text is not a money rule: mutants of it are noise.
  ignoreStatic: true,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.build/mutation/index.html' },
  jsonReporter: { fileName: '.build/mutation/report.json' },
  tempDirName: '.build/stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
