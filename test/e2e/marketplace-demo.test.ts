import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '#platform/clock.js';
import { formatFtns } from '#platform/money.js';
import { defaultRetry } from '#platform/transaction.js';
import { LISTING_TYPES } from '#shared/marketplace/catalogue.js';
import {
  DEMO_BUYERS,
  DEMO_CATEGORY,
  DEMO_JOURNEYS,
  DEMO_LISTINGS,
  SEED_CATALOGUE,
} from '#shared/marketplace/demo-catalogue.js';
import { developmentKeyOf, seedDemoCatalogue } from '#shared/marketplace/seed-demo.js';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { marketplace, micro } from './marketplace-support.js';

/** The demo catalogue that `npm start` seeds: idempotent, all nine types, the journeys bought by the demo buyers. */
const t = useRuntime(import.meta.filename);
let m: ReturnType<typeof marketplace>;

beforeAll(async () => {
  m = marketplace(t);
});

const deps = () => ({ table: t.table, clock: systemClock, retry: defaultRetry });
const keyOf = (userId: string) => developmentKeyOf(DEMO_BUYERS.find((b) => b.id === userId)!);

describe('Demo catalogue', () => {
  it('seeds users, grants, budgets and listings once, however often it runs', async () => {
    const first = await seedDemoCatalogue(deps(), { keys: 'development' });
    expect(first.listings).toEqual({ created: DEMO_LISTINGS.length, existing: 0 });
    expect(first.users.every((u) => u.created && u.apiKey)).toBe(true);
    const second = await seedDemoCatalogue(deps(), { keys: 'development' });
    expect(second.listings).toEqual({ created: 0, existing: DEMO_LISTINGS.length });
    expect(second.grants).toEqual({ created: 0, existing: DEMO_BUYERS.length });
    expect(second.budgets).toEqual({ created: 0, existing: DEMO_BUYERS.length });
    expect(second.users.some((u) => u.created)).toBe(false);
    // A deployed stage's run gets random keys, shown only for users it creates: none now.
    const deployed = await seedDemoCatalogue(deps(), { keys: 'random' });
    expect(deployed.users.every((u) => u.apiKey === undefined)).toBe(true);

    const buyer = DEMO_BUYERS[0]!;
    expect(await m.balance(developmentKeyOf(buyer))).toBe('5000.00');
    const catalogue = (await t.api('GET', '/v1/listings?limit=100', { key: developmentKeyOf(buyer) })).body
      .items as Json[];
    expect(catalogue).toHaveLength(DEMO_LISTINGS.length);
    expect(new Set(catalogue.map((l) => l.type))).toEqual(new Set(LISTING_TYPES));
    const seven = catalogue.filter((l) => SEED_CATALOGUE.includes(l.id));
    expect(formatFtns(seven.reduce((sum, l) => sum + micro(l.price), 0n))).toBe('515.45');
  });

  it('sells the four journeys to the demo buyers: 459.47, 294.97, 2,699.97 and 45.75, each on its budget', async () => {
    const totals: string[] = [];
    for (const journey of DEMO_JOURNEYS) {
      const key = keyOf(journey.buyerId);
      const response = await m.order(key, [...journey.listingIds], journey.budgetId, DEMO_CATEGORY);
      m.expectStatus(response, 201);
      expect(response.body.total).toBe(journey.total);
      totals.push(response.body.total);
      const budget = (await t.api('GET', `/v1/budgets/${journey.budgetId}`, { key })).body;
      expect(budget.spent).toBe(journey.total);
      expect(budget.categories[DEMO_CATEGORY].spent).toBe(journey.total);
    }
    expect(formatFtns(totals.reduce((sum, total) => sum + micro(total), 0n))).toBe('3500.16');
  });

  it('sells the seed catalogue to a new buyer for 515.45', async () => {
    const buyer = await m.buyer('600', '600');
    const response = await m.order(buyer.key, SEED_CATALOGUE, buyer.budgetId);
    m.expectStatus(response, 201);
    expect(response.body).toMatchObject({ total: '515.45', fee: '12.88625' });
    const audit = await m.audit();
    expect(audit).toMatchObject({ sumOfBalances: '0.00', negativeBalances: [], budgetDrift: [] });
  });
});
