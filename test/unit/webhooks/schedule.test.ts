import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_DELAYS_SECONDS,
  delayAfter,
  hopDelaySeconds,
  MAX_SQS_DELAY_SECONDS,
  retryDelays,
} from '#shared/webhooks/schedule.js';

describe('The webhook retry schedule', () => {
  it('retries with growing delays for more than 24 hours by default', () => {
    const delays = retryDelays(undefined);
    expect(delays).toEqual([...DEFAULT_RETRY_DELAYS_SECONDS]);
    expect(delays.reduce((sum, delay) => sum + delay, 0)).toBeGreaterThanOrEqual(24 * 3600);
    expect(delays.every((delay, i) => i === 0 || delay >= delays[i - 1]!)).toBe(true);
  });

  it('gives the wait before each next attempt, and none after the last', () => {
    expect(delayAfter([5, 300], 1)).toBe(5);
    expect(delayAfter([5, 300], 2)).toBe(300);
    expect(delayAfter([5, 300], 3)).toBeNull();
  });

  it('takes a configured schedule, refusing one that is not whole seconds', () => {
    expect(retryDelays('1, 2,3')).toEqual([1, 2, 3]);
    expect(() => retryDelays('1,x')).toThrow();
    expect(() => retryDelays('-1')).toThrow();
  });

  it('travels a wait longer than SQS allows in hops of at most 15 minutes', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const inTenHours = new Date(now.getTime() + 36_000_000);
    expect(hopDelaySeconds(inTenHours, now)).toBe(MAX_SQS_DELAY_SECONDS);
    expect(hopDelaySeconds(new Date(now.getTime() + 4_500), now)).toBe(5);
    expect(hopDelaySeconds(new Date(now.getTime() - 1000), now)).toBe(0);
  });
});
