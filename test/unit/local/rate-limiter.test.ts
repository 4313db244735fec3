import { describe, expect, it } from 'vitest';
import { rateLimiter } from '#infra/local/rate-limiter.js';

describe('Local gateway: per-key token bucket', () => {
  it('admits a burst, refuses the next with a wait, and refills at the rate', () => {
    let now = 0;
    const take = rateLimiter({ ratePerSecond: 2, burst: 3 }, () => now);
    expect([take('k'), take('k'), take('k')].every((v) => v.allowed)).toBe(true);
    expect(take('k')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(take('other').allowed).toBe(true);
    now = 500; // half a second: one token back
    expect(take('k').allowed).toBe(true);
    expect(take('k').allowed).toBe(false);
  });
});
