import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { listingKey } from '#shared/marketplace/listing.js';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { idem, marketplace } from './marketplace-support.js';

/**
 * Entitlements follow what each order line bought: a refund takes back its own line's grant
 * (its model, its frozen period) and nothing else; a listing with buyers keeps its pricing model.
 */
const t = useRuntime(import.meta.filename);
let m: ReturnType<typeof marketplace>;

beforeAll(async () => {
  m = marketplace(t);
});

const DAY_MS = 86_400_000;

async function entitlementTo(key: string, listingId: string): Promise<Json> {
  const response = await t.api('GET', '/v1/me/entitlements', { key });
  m.expectStatus(response, 200);
  const found = (response.body.items as Json[]).filter((e) => e.listingId === listingId);
  expect(found).toHaveLength(1);
  return found[0];
}

async function refund(orderId: string) {
  const response = await t.api('POST', `/v1/orders/${orderId}/refund`, { key: t.adminKey, headers: idem() });
  m.expectStatus(response, 200);
}

async function bought(key: string, listingId: string, budgetId: string): Promise<Json> {
  const response = await m.order(key, [listingId], budgetId);
  m.expectStatus(response, 201);
  return response.body;
}

/** A listing whose model changed before the lock existed: written past the API, as old data would be. */
async function switchModelBehindTheApi(listingId: string, pricingModel: string) {
  await t.table.doc.send(
    new UpdateCommand({
      TableName: t.table.name,
      Key: listingKey(listingId),
      UpdateExpression: 'SET pricingModel = :model',
      ExpressionAttributeValues: { ':model': pricingModel },
    }),
  );
}

describe('Entitlements: a refund takes back its own line only', () => {
  it('keeps the other order of a one-time and a subscription purchase of one listing, whichever is refunded', async () => {
    const seller = await m.funded('0');
    for (const refunded of ['one_time', 'subscription'] as const) {
      const listing = await m.createListing(seller.key, { pricingModel: 'one_time', price: '10' });
      const buyer = await m.buyer('100');
      const once = await bought(buyer.key, listing.id, buyer.budgetId);
      await switchModelBehindTheApi(listing.id, 'subscription');
      const monthly = await bought(buyer.key, listing.id, buyer.budgetId);
      const paidUntil = (await entitlementTo(buyer.key, listing.id)).validUntil;
      expect(Date.parse(paidUntil) - Date.parse(monthly.createdAt)).toBe(30 * DAY_MS);

      await refund(refunded === 'one_time' ? once.id : monthly.id);
      const left = await entitlementTo(buyer.key, listing.id);
      // Refunding the one-time order leaves the paid month; refunding the month leaves the one-time purchase.
      expect(left.status, `after refunding the ${refunded} order`).toBe('active');
      expect(left.validUntil).toBe(refunded === 'one_time' ? paidUntil : null);

      await refund(refunded === 'one_time' ? monthly.id : once.id);
      expect((await entitlementTo(buyer.key, listing.id)).status).toBe('revoked');
    }
  });

  it('freezes each subscription period at purchase: refunding the first month leaves the second where it was', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, {
      type: 'knowledge_resource',
      pricingModel: 'subscription',
      price: '20',
    });
    const buyer = await m.buyer('100');
    const first = await bought(buyer.key, listing.id, buyer.budgetId);
    const firstEnd = Date.parse((await entitlementTo(buyer.key, listing.id)).validUntil);
    const second = await bought(buyer.key, listing.id, buyer.budgetId);
    const secondEnd = (await entitlementTo(buyer.key, listing.id)).validUntil;
    expect(Date.parse(secondEnd) - firstEnd).toBe(30 * DAY_MS);

    await refund(first.id);
    // The second month starts when the first would have ended: paid for, not yet running.
    expect(await entitlementTo(buyer.key, listing.id)).toMatchObject({
      status: 'pending',
      validUntil: secondEnd,
    });
    // A new month follows the one still paid for.
    const third = await bought(buyer.key, listing.id, buyer.budgetId);
    const thirdEnd = (await entitlementTo(buyer.key, listing.id)).validUntil;
    expect(Date.parse(thirdEnd) - Date.parse(secondEnd)).toBe(30 * DAY_MS);

    await refund(second.id);
    await refund(third.id);
    expect(await entitlementTo(buyer.key, listing.id)).toMatchObject({ status: 'revoked', validUntil: null });
  });

  it('counts pay-per-use uses and free grants per line, and lets a refunded one-time listing be bought again, once', async () => {
    const seller = await m.funded('0');
    const free = await m.createListing(seller.key, { type: 'mcp_tool', pricingModel: 'free', price: '0' });
    const perUse = await m.createListing(seller.key, {
      type: 'ai_model',
      pricingModel: 'pay_per_use',
      price: '1',
    });
    const owned = await m.createListing(seller.key, { pricingModel: 'one_time', price: '5' });
    const buyer = await m.buyer('100');
    const uses = [
      await bought(buyer.key, perUse.id, buyer.budgetId),
      await bought(buyer.key, perUse.id, buyer.budgetId),
    ];
    await refund(uses[0].id);
    expect(await entitlementTo(buyer.key, perUse.id)).toMatchObject({ status: 'active', uses: 1 });
    const gifts = [
      await bought(buyer.key, free.id, buyer.budgetId),
      await bought(buyer.key, free.id, buyer.budgetId),
    ];
    await refund(gifts[1].id);
    expect((await entitlementTo(buyer.key, free.id)).status).toBe('active');
    await refund(gifts[0].id);
    expect((await entitlementTo(buyer.key, free.id)).status).toBe('revoked');

    const once = await bought(buyer.key, owned.id, buyer.budgetId);
    await refund(once.id);
    await bought(buyer.key, owned.id, buyer.budgetId);
    expect((await entitlementTo(buyer.key, owned.id)).status).toBe('active');
    const again = await m.order(buyer.key, [owned.id], buyer.budgetId);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_owned');
  });
});

describe('Listings: the pricing model is fixed once a listing has buyers', () => {
  it('changes the model before any sale, refuses it after one (409 pricing_model_locked), still changes the price', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, { pricingModel: 'one_time', price: '10' });
    const path = `/v1/listings/${listing.id}`;
    const before = await t.api('PATCH', path, { key: seller.key, body: { pricingModel: 'subscription' } });
    m.expectStatus(before, 200);
    m.expectStatus(await t.api('PATCH', path, { key: seller.key, body: { pricingModel: 'one_time' } }), 200);

    const buyer = await m.buyer('100');
    const order = await bought(buyer.key, listing.id, buyer.budgetId);
    const locked = await t.api('PATCH', path, { key: seller.key, body: { pricingModel: 'subscription' } });
    expect(locked.status, JSON.stringify(locked.body)).toBe(409);
    expect(locked.body.code).toBe('pricing_model_locked');
    // Still locked after the only buyer was refunded: the order keeps its terms.
    await refund(order.id);
    const after = await t.api('PATCH', path, { key: seller.key, body: { pricingModel: 'free', price: '0' } });
    expect(after.status).toBe(409);
    expect(after.body.code).toBe('pricing_model_locked');

    // Naming the current model, and changing the price, stay allowed.
    const priced = await t.api('PATCH', path, {
      key: seller.key,
      body: { pricingModel: 'one_time', price: '12' },
    });
    m.expectStatus(priced, 200);
    expect(priced.body).toMatchObject({ pricingModel: 'one_time', price: '12.00' });
    expect((await t.api('GET', path, { key: seller.key })).body.pricingModel).toBe('one_time');
  });
});
