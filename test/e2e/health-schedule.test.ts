import { describe, expect, it } from 'vitest';
import { useRuntime } from '../support/runtime.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';

/** The schedule alone, with no call to POST /v1/health/sweeps, keeps sweeping. */
const t = useRuntime(import.meta.filename, { scheduleIntervalSeconds: 1 });

describe('Health: the schedule', () => {
  it('produces sweeps every interval, stored newest first', async () => {
    const until = Date.now() + GENEROUS_WAIT_MS;
    let items: { id: string; checkedAt: string; score: number }[] = [];
    while (items.length < 3 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      items = (await t.api('GET', '/v1/health/history', { key: t.adminKey })).body.items;
    }
    expect(items.length).toBeGreaterThanOrEqual(3);
    const times = items.map((item) => Date.parse(item.checkedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
    expect(items.every((item) => item.score === 100)).toBe(true);
    const verdict = await t.api('GET', '/v1/health');
    expect(verdict.body).toMatchObject({ status: 'ok', score: 100 });
  });
});
