import { defineConfig } from 'vitest/config';

/**
 * The unit layer alone: pure domain code and the money core against an in-memory table, no
 * local AWS. `npm run coverage` measures the money core with it, and Stryker (`npm run mutate`)
 * runs it against every mutant.
 */
export const MONEY_CORE = ['shared/platform/money.ts', 'shared/ledger/**/*.ts', 'shared/budgets/**/*.ts'];
const MONEY_RULES = [
  'shared/ledger/{account,errors,holds,posting,transfers}.ts',
  'shared/budgets/{budget,budget-item,budget-leg,charge-plan,charges,errors,refund-leg,reservations,thresholds}.ts',
];

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    testTimeout: 300_000,
    coverage: {
      provider: 'v8',
      include: MONEY_CORE,
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: '.build/coverage',
      thresholds: {
        // The rules of money, tested here in full.
        'shared/platform/money.ts': { lines: 100, branches: 100, functions: 100, statements: 100 },
        ...Object.fromEntries(
          MONEY_RULES.map((file) => [file, { lines: 95, branches: 90, functions: 85, statements: 95 }]),
        ),
        // The rest of the folders (reads, audits, alerts, budget management) is tested end to end:
        // these floors only keep the unit layer from shrinking.
        'shared/ledger/**': { lines: 80, branches: 65 },
        'shared/budgets/**': { lines: 45, branches: 45 },
      },
    },
  },
});
