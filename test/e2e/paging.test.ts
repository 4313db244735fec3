import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { httpRoutes } from '#infra/manifest.js';
import { budgetSteps, idempotencyKey } from '../support/budgets.js';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';

/** Every list answers cursor pages: `limit` and `cursor` in, `{ items, nextCursor }` out. */
const t = useRuntime(import.meta.filename);
let steps: ReturnType<typeof budgetSteps>;

beforeAll(async () => {
  steps = budgetSteps(t);
});

/** Follows `nextCursor` until the end, collecting every page. */
async function allPages(key: string, path: string, limit: number): Promise<Json[][]> {
  const pages: Json[][] = [];
  let cursor: string | null = null;
  do {
    const query = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await t.api('GET', `${path}?${query}`, { key });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    pages.push(response.body.items);
    cursor = response.body.nextCursor;
  } while (cursor && pages.length < 20);
  return pages;
}

const ids = (pages: Json[][]) => pages.flat().map((item) => item.id ?? item.threshold);

describe('Lists page', () => {
  it('declares limit and cursor on every route that answers a list', () => {
    const lists = httpRoutes().filter(({ spec }) => {
      const schema = spec.responses[200]?.schema;
      return schema instanceof z.ZodObject && 'nextCursor' in schema.shape;
    });
    expect(lists.length).toBeGreaterThan(10);
    for (const { spec } of lists) {
      const query = spec.query;
      expect(
        query instanceof z.ZodObject && 'limit' in query.shape && 'cursor' in query.shape,
        spec.path,
      ).toBe(true);
    }
  });

  it('pages the budgets of a member', async () => {
    const owner = await steps.funded();
    const created = [];
    for (const name of ['a', 'b', 'c'])
      created.push((await steps.createBudget(owner.key, { name, total: '10' })).id);
    const pages = await allPages(owner.key, '/v1/budgets', 2);
    expect(pages.map((page) => page.length)).toEqual([2, 1]);
    expect(ids(pages)).toEqual([...created].sort());
  });

  it('pages the alerts of a budget', async () => {
    const owner = await steps.funded();
    const budget = await steps.createBudget(owner.key, { name: 'alerts', total: '100' });
    expect((await steps.charge(owner.key, budget.id, '96', 'compute')).status).toBe(201);
    const pages = await allPages(owner.key, `/v1/budgets/${budget.id}/alerts`, 3);
    expect(pages.map((page) => page.length)).toEqual([3, 1]);
    expect(ids(pages)).toEqual([50, 75, 90, 95]);
  });

  it('pages the expansion requests of a budget, oldest first', async () => {
    const owner = await steps.funded();
    const budget = await steps.createBudget(owner.key, { name: 'expansions', total: '10' });
    const filed = [];
    for (const amount of ['1', '2', '3']) {
      const response = await t.api('POST', `/v1/budgets/${budget.id}/expansions`, {
        key: owner.key,
        body: { amount, reason: 'more' },
        headers: idempotencyKey(),
      });
      filed.push(response.body.id);
    }
    const pages = await allPages(owner.key, `/v1/budgets/${budget.id}/expansions`, 2);
    expect(pages.map((page) => page.length)).toEqual([2, 1]);
    expect(ids(pages)).toEqual(filed);
  });

  it('pages the price list by component, with the same items as one page', async () => {
    const pages = await allPages(t.adminKey, '/v1/prices', 7);
    const whole = (await t.api('GET', '/v1/prices?limit=100', { key: t.adminKey })).body;
    expect(whole.nextCursor).toBeNull();
    expect(pages.length).toBe(Math.ceil(whole.items.length / 7));
    expect(pages.flat()).toEqual(whole.items);
  });

  it("pages the caller's keys", async () => {
    const user = await t.newUser();
    for (let i = 0; i < 2; i++)
      expect((await t.api('POST', '/v1/me/keys', { key: user.key })).status).toBe(201);
    const pages = await allPages(user.key, '/v1/me/keys', 2);
    expect(pages.flat()).toHaveLength(3);
  });
});
