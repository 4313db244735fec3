import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '#shared/health/check.js';
import { scoreOf } from '#shared/health/score.js';
import type { HealthReport } from '#shared/health/sweep.js';
import { verdictOf } from '#shared/health/verdict.js';

const checks = (healthy: number, total: number, other: CheckStatus = 'down'): CheckResult[] =>
  Array.from({ length: total }, (_, i) => ({
    name: `c${i}`,
    status: i < healthy ? 'healthy' : other,
    detail: '',
    latencyMs: 1,
  }));

describe('Health: score', () => {
  it("reproduces the original's 65.3 % 'fair' and ready from 5/8, 2/6 and 5/5", () => {
    expect(scoreOf([checks(5, 8), checks(2, 6), checks(5, 5)])).toEqual({
      score: 65.3,
      band: 'fair',
      ready: true,
    });
  });

  it('counts a degraded check as half healthy', () => {
    expect(scoreOf([checks(0, 2, 'degraded'), checks(1, 1), checks(1, 1)]).score).toBe(83.3);
  });

  it.each([
    [85, 'excellent'],
    [70, 'good'],
    [50, 'fair'],
    [84.9, 'good'],
    [59.9, 'fair'],
    [49.9, 'poor'],
  ])('bands %s as %s', (percent, band) => {
    const group = () => checks(percent * 10, 1000); // every group at `percent`
    expect(scoreOf([group(), group(), group()])).toMatchObject({
      score: percent,
      band,
      ready: percent >= 60,
    });
  });
});

describe('Health: public verdict', () => {
  const report = (checkedAt: string, status: HealthReport['status'] = 'ok') =>
    ({ checkedAt, status, score: 100 }) as HealthReport;
  const now = new Date('2026-11-25T12:00:00.000Z');

  it('is unknown and available before any sweep', () => {
    expect(verdictOf(undefined, now, 300)).toEqual({
      status: 'unknown',
      score: null,
      checkedAt: null,
      unavailable: false,
    });
  });

  it('repeats a recent sweep', () => {
    expect(verdictOf(report('2026-11-25T11:50:00.000Z'), now, 300).status).toBe('ok');
  });

  it('is down when the last sweep is older than three intervals', () => {
    expect(verdictOf(report('2026-11-25T11:44:59.000Z'), now, 300)).toMatchObject({
      status: 'down',
      unavailable: true,
    });
  });

  it('is unavailable when the last sweep says down', () => {
    expect(verdictOf(report('2026-11-25T11:59:00.000Z', 'down'), now, 300).unavailable).toBe(true);
  });
});
