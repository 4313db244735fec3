import { describe, expect, it } from 'vitest';
import type { Clock } from '#platform/clock.js';
import { useRuntime } from '../support/runtime.js';

/**
 * Each API key is throttled by the authorizer's bucket, the same code as on AWS, and refused
 * with the answer API Gateway gives a throttled request. The buckets' clock is
 * held still here, so no token comes back while the requests are on their way (however slow the
 * machine): the count of refusals is exact, and refill happens only when the test moves time on.
 */
let now = new Date('2026-01-01T00:00:00Z');
const clock: Clock = { now: () => now };
const t = useRuntime(import.meta.filename, {
  throttling: { ratePerSecond: 5, burst: 10 },
  throttlingClock: clock,
});

const burstOf = (count: number, key = t.adminKey) =>
  Promise.all(Array.from({ length: count }, () => t.api('GET', '/v1/accounts/me', { key })));

describe('Local runtime: throttling', () => {
  it("answers API Gateway's own 429 past the burst of one key", async () => {
    const responses = await burstOf(15);
    const throttled = responses.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(5);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(10);
    // Exactly what an API Gateway stage answers when it throttles: no problem+json, no Retry-After.
    expect(throttled[0]?.headers.get('content-type')).toBe('application/json');
    expect(throttled[0]?.headers.get('retry-after')).toBeNull();
    expect(throttled[0]?.body).toEqual({ message: 'Too Many Requests' });
    expect((await t.api('GET', '/v1/health')).status).toBe(200);
    // The user is created by the admin, whose key is empty: this request is refused too.
    expect(
      (await t.api('POST', '/v1/users', { key: t.adminKey, body: { name: 'x', role: 'user' } })).status,
    ).toBe(429);
  });

  it('keeps a bucket per key: another key has its whole burst', async () => {
    now = new Date(now.getTime() + 2_000); // refills the admin's key, to create the other user
    const other = await t.newUser();
    now = new Date(now.getTime() + 2_000);
    await burstOf(10); // the admin's key is empty again
    const responses = await burstOf(11, other.key);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(10);
    expect((await burstOf(1))[0]?.status).toBe(429);
  });

  it('gives the key back ratePerSecond requests for each second that passes', async () => {
    now = new Date(now.getTime() + 1_000);
    const responses = await burstOf(8);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(3);
  });

  it('refuses a revoked key with 401, and its bucket does not bring it back', async () => {
    now = new Date(now.getTime() + 10_000);
    const user = await t.newUser();
    const me = await t.api('GET', '/v1/me/keys', { key: user.key });
    const keyId = me.body.items[0].keyId;
    expect((await t.api('DELETE', `/v1/me/keys/${keyId}`, { key: user.key })).status).toBe(204);
    expect((await burstOf(2, user.key)).map((r) => r.status)).toEqual([401, 401]);
  });
});
