import { beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { marketplace } from './marketplace-support.js';

/**
 * Concurrent checkouts and reviews, in a file of their own: the local AWS serialises DynamoDB
 * requests, so this load runs against a table that holds little else.
 */
const t = useRuntime(import.meta.filename);
let m: ReturnType<typeof marketplace>;

beforeAll(async () => {
  m = marketplace(t);
});

describe('Checkout: concurrency', () => {
  it('admits exactly 10 of 50 concurrent orders from a buyer who can pay for 10 uses: balance 0, no partial order', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, {
      type: 'ai_model',
      pricingModel: 'pay_per_use',
      price: '2.50',
    });
    const buyer = await m.buyer('25.00', '1000');
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => m.order(buyer.key, [listing.id], buyer.budgetId)),
    );

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(40);
    expect(responses.filter((r) => r.status === 402).every((r) => r.body.code === 'insufficient_funds')).toBe(
      true,
    );

    expect(await m.balance(buyer.key)).toBe('0.00');
    expect(await m.balance(seller.key)).toBe('24.375');
    const orders = (await t.api('GET', '/v1/orders?limit=100', { key: buyer.key })).body.items as Json[];
    expect(orders).toHaveLength(10);
    expect(new Set(orders.map((o) => o.id))).toEqual(
      new Set(responses.filter((r) => r.status === 201).map((r) => r.body.id)),
    );
    const owned = (await t.api('GET', '/v1/me/entitlements', { key: buyer.key })).body.items;
    expect(owned).toEqual([expect.objectContaining({ listingId: listing.id, uses: 10, status: 'active' })]);
    const sales = (await t.api('GET', '/v1/me/sales?limit=100', { key: seller.key })).body;
    expect(sales.items).toHaveLength(10);
    expect(sales.earnings).toEqual({ sales: 10, refunded: 0, gross: '25.00', fees: '0.625', net: '24.375' });
    const budget = (await t.api('GET', `/v1/budgets/${buyer.budgetId}`, { key: buyer.key })).body;
    expect(budget.spent).toBe('25.00');
    const charges = (
      await t.api('GET', `/v1/budgets/${buyer.budgetId}/charges?limit=100`, { key: buyer.key })
    ).body.items;
    expect(charges).toHaveLength(10);
    const audit = await m.audit();
    expect(audit).toMatchObject({ sumOfBalances: '0.00', negativeBalances: [] });
    expect(audit.budgetDrift.filter((d: Json) => d.budgetId === buyer.budgetId)).toEqual([]);
  });

  it('keeps a listing’s rating exact under 12 concurrent reviews', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, { price: '1', tags: ['busy', 'reviews'] });
    const buyers = await Promise.all(Array.from({ length: 12 }, () => m.buyer('10', '10')));
    for (const buyer of buyers) m.expectStatus(await m.order(buyer.key, [listing.id], buyer.budgetId), 201);
    const ratings = buyers.map((_, i) => (i % 5) + 1);
    const responses = await Promise.all(
      buyers.map((buyer, i) =>
        t.api('POST', `/v1/listings/${listing.id}/reviews`, {
          key: buyer.key,
          body: { rating: ratings[i], text: 'ok' },
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(buyers.map(() => 201));
    const read = (await t.api('GET', `/v1/listings/${listing.id}`, { key: seller.key })).body;
    const sum = ratings.reduce((a, b) => a + b, 0);
    expect(read.rating).toEqual({ count: 12, sum, average: (sum / 12).toFixed(2) });
    // Every catalogue entry carries the same rating as the listing.
    const found = (await t.api('GET', '/v1/listings?tag=busy&sort=rating', { key: seller.key })).body.items;
    expect(found.map((l: Json) => l.rating)).toEqual([read.rating]);
  });
});
