import { beforeAll, describe, expect, it } from 'vitest';
import { useRuntime } from '../support/runtime.js';
import { marketplace } from './marketplace-support.js';

/** Estimates of a basket of listings, alone or with a workflow, as the API notes document them. */
const t = useRuntime(import.meta.filename);
let m: ReturnType<typeof marketplace>;

beforeAll(async () => {
  m = marketplace(t);
});

const estimate = (key: string, body: Record<string, unknown>) =>
  t.api('POST', '/v1/estimates', { key, body });

describe('Estimates of listings', () => {
  it('prices a basket as checkout charges it, with workflow: false said or left out', async () => {
    const seller = await m.funded('0');
    const first = await m.createListing(seller.key, { price: '10.00' });
    const second = await m.createListing(seller.key, { price: '2.50' });
    const buyer = await m.buyer('100', '11');
    const items = [{ listingId: first.id }, { listingId: second.id }];
    for (const body of [
      { budgetId: buyer.budgetId, items, category: 'datasets' },
      { budgetId: buyer.budgetId, items, category: 'datasets', workflow: false },
    ]) {
      const response = await estimate(buyer.key, body);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.total).toBe('12.50');
      expect(Object.keys(response.body.categories)).toEqual(['datasets']);
      expect(response.body.categories.datasets.estimate).toBe('12.50');
      expect(response.body.covered).toMatchObject({ budget: false, balance: true, all: false });
    }
  });

  it('adds a basket to a workflow, in the marketplace category unless told', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, { price: '7.10' });
    const buyer = await m.buyer('1000', '1000');
    const response = await estimate(buyer.key, {
      budgetId: buyer.budgetId,
      workflow: true,
      items: [{ listingId: listing.id }],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.total).toBe('120.00');
    const workflowOnly = await estimate(buyer.key, { budgetId: buyer.budgetId, workflow: true });
    expect(workflowOnly.body.categories.marketplace_trading.estimate).toBe('18.25');
    expect(response.body.categories.marketplace_trading.estimate).toBe('25.35');
  });

  it('refuses an estimate of nothing, and a listing checkout would refuse', async () => {
    const seller = await m.funded('0');
    const draft = await m.createListing(seller.key, { status: 'draft' });
    const buyer = await m.buyer();
    const nothing = await estimate(buyer.key, { budgetId: buyer.budgetId, workflow: false });
    expect(nothing.status).toBe(422);
    const hidden = await estimate(buyer.key, { budgetId: buyer.budgetId, items: [{ listingId: draft.id }] });
    expect(hidden.status).toBe(422);
    expect(hidden.body.code).toBe('unknown_listing');
    const sellerBudget = await m.createBudget(seller.key, { total: '10' });
    const own = await estimate(seller.key, { budgetId: sellerBudget.id, items: [{ listingId: draft.id }] });
    expect(own.status).toBe(422);
    expect(own.body.code).toBe('own_listing');
    const stranger = await estimate(seller.key, { budgetId: buyer.budgetId, workflow: true });
    expect(stranger.status).toBe(404);
  });
});
