import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEALTH_READ_DEADLINE_MS, publicVerdict } from '#shared/health/public-verdict.js';
import type { HealthReport } from '#shared/health/sweep.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const now = new Date('2026-12-01T12:00:00.000Z');
const options = { now, intervalSeconds: 300, deadlineMs: HEALTH_READ_DEADLINE_MS };
const report = { id: 'hs_1', checkedAt: now.toISOString(), status: 'ok', score: 100 } as HealthReport;

describe('Health: the public verdict within its deadline', () => {
  it('answers from the latest report when the read answers in time', async () => {
    const result = await publicVerdict(async () => report, options);
    expect(result).toEqual({
      verdict: { status: 'ok', score: 100, checkedAt: now.toISOString(), unavailable: false },
    });
  });

  it('is down (503) once the deadline passes on a read that never answers, and aborts that read', async () => {
    let aborted = false;
    const pending = publicVerdict(
      (signal) =>
        new Promise<never>(() => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
      options,
    );
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(HEALTH_READ_DEADLINE_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const result = await pending;
    expect(result.verdict).toEqual({
      status: 'down',
      score: 0,
      checkedAt: now.toISOString(),
      unavailable: true,
    });
    expect(result.unreadable).toContain(`no answer within ${HEALTH_READ_DEADLINE_MS} ms`);
    expect(aborted).toBe(true);
  });

  it('is down when the read fails, naming the failure', async () => {
    const result = await publicVerdict(async () => {
      throw new Error('table unreachable');
    }, options);
    expect(result.verdict.unavailable).toBe(true);
    expect(result.unreadable).toBe('Error: table unreachable');
  });

  it('keeps the contract: the deadline is under 2 s', () => {
    expect(HEALTH_READ_DEADLINE_MS).toBeLessThan(2_000);
  });
});
