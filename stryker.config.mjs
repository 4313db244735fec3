// Mutation testing of the money core (`npm run mutate`): every mutant is run against the unit
// layer only (vitest.unit.config.ts: no local AWS), two at a time for a 2-core machine.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  // The money rules: amounts, the ledger's postings and holds, the budget's plans and legs,
  // checkout and refund. Left out (docs/testing.md says why): reads, audits, alerts and budget
  // management, whose rules the end-to-end layer tests and the unit layer does not.
  mutate: [
    'shared/platform/money.ts',
    'shared/ledger/**/*.ts',
    '!shared/ledger/audit.ts',
    '!shared/ledger/accounts.ts',
    'shared/budgets/**/*.ts',
    '!shared/budgets/alerts.ts',
    '!shared/budgets/audit.ts',
    '!shared/budgets/budget-deps.ts',
    '!shared/budgets/cost-history.ts',
    '!shared/budgets/estimates.ts',
    '!shared/budgets/expansions.ts',
    '!shared/budgets/budgets.ts',
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
  // Reports and builds are no input of the tests: the sandbox need not copy them.
  ignorePatterns: ['.build', 'cdk.out'],
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
