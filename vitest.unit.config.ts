import { defineConfig } from 'vitest/config';

/**
 * The unit layer alone: pure domain code and the money core against an in-memory table, no
 * local AWS. `npm run coverage` measures the money core with it, and Stryker (`npm run mutate`)
 * runs it against every mutant.
 */
export const MONEY_CORE = ['shared/platform/money.ts', 'shared/ledger/**/*.ts', 'shared/budgets/**/*.ts'];

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    testTimeout: 300_000,
    coverage: {
      provider: 'v8',
      include: MONEY_CORE,
      reporter: ['text', 'json-summary'],
      reportsDirectory: '.build/coverage',
    },
  },
});
