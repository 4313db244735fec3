/**
 * How long a test waits for a state before it gives up. Generous on purpose: a busy machine
 * may make a test slow, never change its verdict (the per-test timeout in vitest.config.ts is
 * larger still). Waits poll for a state; no test asserts on how long something took.
 */
export const GENEROUS_WAIT_MS = 120_000;
