/**
 * How every function is bundled, shared by the CDK stack (NodejsFunction's esbuild options)
 * and the benchmark that measures bundle size and import time.
 */
export const bundling = {
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  sourcemap: true,
  /** ESM bundles still meet CommonJS dependencies that call require(). */
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  mainFields: ['module', 'main'],
  /** The Node 22 runtime ships AWS SDK v3, but a pinned, bundled SDK is the tested one. */
  externalModules: [] as string[],
} as const;
