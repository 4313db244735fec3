import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Every file gets its own resources (a name prefix), so files run in parallel against one local AWS.
    pool: 'forks',
    // Lambda runs Node 22; the SDK's notice about this machine's Node 20 is noise in test output.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Function timeouts and health limits of the local runtime, times this: on a loaded
      // machine a test may be slow, but no timeout of the runtime may decide its verdict.
      PRSM_LOCAL_TIMEOUT_FACTOR: '20',
    },
    // A timeout is a wall-clock verdict: generous, so that a loaded machine makes a test slow, not red.
    // Waits inside tests are bounded by GENEROUS_WAIT_MS (test/support/waits.ts), below these.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.build/vitest-report.json' }]]
      : ['default'],
  },
});
