import { beforeAll, describe, expect, it } from 'vitest';
import { parseFtns } from '#platform/money.js';
import { budgetSteps } from '../support/budgets.js';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';

/** GET /v1/budgets/{id}/spend: the charges per day or hour, exact, paged, members only. */
const t = useRuntime(import.meta.filename);
let steps: ReturnType<typeof budgetSteps>;
beforeAll(() => {
  steps = budgetSteps(t);
});

async function allBuckets(key: string, budgetId: string, interval: string) {
  const buckets: Json[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `interval=${interval}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await t.api('GET', `/v1/budgets/${budgetId}/spend?${query}`, { key });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    buckets.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return buckets;
}

const micro = (text: string) => parseFtns(text) ?? Number.NaN;
const sum = (buckets: Json[]) => buckets.reduce((total: bigint, b) => total + BigInt(micro(b.amount)), 0n);

describe('Budget spend over time', () => {
  it('answers buckets whose exact amounts add up to the budget spent, by day and by hour, page by page', async () => {
    const owner = await steps.funded();
    const member = await steps.funded();
    const created = await steps.createBudget(owner.key, {
      name: 'Spend chart',
      total: '500',
      members: [{ userId: member.id }],
    });
    for (const [key, amount] of [
      [owner.key, '12.345678'],
      [member.key, '0.000001'],
      [owner.key, '7.10'],
    ] as const) {
      expect((await steps.charge(key, created.id, amount, 'model_inference')).status).toBe(201);
    }
    const spent = micro((await steps.budget(owner.key, created.id)).spent);
    expect(spent).toBe(micro('19.445679'));

    for (const interval of ['day', 'hour']) {
      const buckets = await allBuckets(member.key, created.id, interval);
      expect(sum(buckets)).toBe(spent);
      expect(buckets.reduce((n, b) => n + b.charges, 0)).toBe(3);
      const starts = buckets.map((b) => b.start);
      expect(starts).toEqual([...starts].sort());
      for (const start of starts) {
        expect(start).toMatch(interval === 'day' ? /T00:00:00\.000Z$/ : /:00:00\.000Z$/);
      }
    }
    const whole = await t.api('GET', `/v1/budgets/${created.id}/spend`, { key: owner.key });
    expect(whole.body.items.map((b: Json) => b.amount)).toEqual(
      (await allBuckets(owner.key, created.id, 'day')).map((b) => b.amount),
    );
  });

  it('answers an empty page for a budget without charges, 404 to a stranger, a problem for a bad interval', async () => {
    const owner = await steps.funded();
    const stranger = await steps.funded();
    const created = await steps.createBudget(owner.key, { name: 'Quiet', total: '10' });
    const empty = await t.api('GET', `/v1/budgets/${created.id}/spend?interval=hour`, { key: owner.key });
    expect(empty.body).toEqual({ items: [], nextCursor: null });
    const hidden = await t.api('GET', `/v1/budgets/${created.id}/spend`, { key: stranger.key });
    expect(hidden.status).toBe(404);
    const bad = await t.api('GET', `/v1/budgets/${created.id}/spend?interval=week`, { key: owner.key });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(bad.body.code).toBe('validation_failed');
  });
});
