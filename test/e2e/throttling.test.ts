import { describe, expect, it } from 'vitest';
import type { Clock } from '#platform/clock.js';
import { useRuntime } from '../support/runtime.js';

/**
 * The local gateway throttles each API key as the stack's API Gateway stage does. Its clock is
 * held still here, so no token comes back while the requests are on their way (however slow the
 * machine): the count of refusals is exact, and refill happens only when the test moves time on.
 */
let now = new Date('2026-01-01T00:00:00Z');
const clock: Clock = { now: () => now };
const t = useRuntime(import.meta.filename, {
  throttling: { ratePerSecond: 5, burst: 10 },
  throttlingClock: clock,
});

const burstOf = (count: number) =>
  Promise.all(Array.from({ length: count }, () => t.api('GET', '/v1/accounts/me', { key: t.adminKey })));

describe('Local runtime: throttling', () => {
  it("answers API Gateway's own 429 past the burst of one key, and not for another key", async () => {
    const responses = await burstOf(15);
    const throttled = responses.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(5);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(10);
    // Exactly what an API Gateway stage answers when it throttles: no problem+json, no Retry-After.
    expect(throttled[0]?.headers.get('content-type')).toBe('application/json');
    expect(throttled[0]?.headers.get('retry-after')).toBeNull();
    expect(throttled[0]?.body).toEqual({ message: 'Too Many Requests' });
    expect((await t.api('GET', '/v1/health')).status).toBe(200);
  });

  it('gives the key back ratePerSecond requests for each second that passes', async () => {
    now = new Date(now.getTime() + 1_000);
    const responses = await burstOf(8);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(3);
  });
});
