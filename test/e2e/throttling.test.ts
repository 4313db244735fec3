import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../shared/platform/clock.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

/**
 * The local gateway throttles each API key as the stack's API Gateway stage does. Its clock is
 * held still here, so no token comes back while the requests are on their way (however slow the
 * machine): the count of refusals is exact, and refill happens only when the test moves time on.
 */
let t: TestRuntime;
let now = new Date('2026-01-01T00:00:00Z');
const clock: Clock = { now: () => now };

beforeAll(async () => {
  t = await startTestRuntime(import.meta.filename, {
    throttling: { ratePerSecond: 5, burst: 10 },
    throttlingClock: clock,
  });
});

afterAll(async () => {
  await t.stop();
});

const burstOf = (count: number) =>
  Promise.all(Array.from({ length: count }, () => t.api('GET', '/v1/accounts/me', { key: t.adminKey })));

describe('Local runtime: throttling', () => {
  it('answers 429 problem+json with Retry-After past the burst of one key, and not for another key', async () => {
    const responses = await burstOf(15);
    const throttled = responses.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(5);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(10);
    expect(throttled[0]?.headers.get('retry-after')).toBe('1');
    expect(throttled[0]?.body).toMatchObject({ code: 'throttled', status: 429 });
    expect((await t.api('GET', '/v1/health')).status).toBe(200);
  });

  it('gives the key back ratePerSecond requests for each second that passes', async () => {
    now = new Date(now.getTime() + 1_000);
    const responses = await burstOf(8);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(3);
  });
});
