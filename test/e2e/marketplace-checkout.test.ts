import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '#platform/clock.js';
import { formatFtns } from '#platform/money.js';
import { defaultRetry } from '#platform/transaction.js';
import { systemBalance } from '#shared/ledger/accounts.js';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { idem, marketplace, micro } from './marketplace-support.js';

/**
 * Checkout, orders, entitlements, sales and refunds through HTTP against the local AWS: the
 * domain document's acceptance figures (the seed catalogue, the four journeys, budget scenario
 * 4) and every refusal, each of which must leave nothing written.
 */
const t = useRuntime(import.meta.filename);
let m: ReturnType<typeof marketplace>;

beforeAll(async () => {
  m = marketplace(t);
});

/** The `fees` system account, read from its shards (no route shows a system account). */
const fees = () => systemBalance({ table: t.table, clock: systemClock, retry: defaultRetry }, 'fees');
const budget = async (key: string, id: string): Promise<Json> =>
  (await t.api('GET', `/v1/budgets/${id}`, { key })).body;
const sumOf = (values: string[]) => formatFtns(values.reduce((a, b) => a + micro(b), 0n));

async function expectBooksExact(budgetIds: string[] = []) {
  const audit = await m.audit();
  expect(audit.sumOfBalances).toBe('0.00');
  expect(audit.negativeBalances).toEqual([]);
  const drift = (audit.budgetDrift ?? []) as { budgetId: string }[];
  expect(drift.filter((d) => budgetIds.includes(d.budgetId))).toEqual([]);
}

/** The seed catalogue over three sellers: [seller index, type, price]. */
const SEED: [number, string, string][] = [
  [0, 'dataset', '29.99'],
  [0, 'agent_workflow', '7.99'],
  [0, 'compute_resource', '12.50'],
  [1, 'knowledge_resource', '199.99'],
  [1, 'evaluation_service', '49.99'],
  [2, 'training_service', '125.00'],
  [2, 'safety_tool', '89.99'],
];

describe('Checkout: the seed catalogue', () => {
  it('buys all seven items in one order for 515.45: each seller gets the price less 2.5 %, fees the fees, the audit stays at zero', async () => {
    const sellers = [await m.funded('0'), await m.funded('0'), await m.funded('0')];
    const listings = [];
    for (const [seller, type, price] of SEED)
      listings.push(await m.createListing(sellers[seller]!.key, { type, price }));
    const buyer = await m.buyer('1000', '1000');
    const feesBefore = await fees();

    const response = await m.order(
      buyer.key,
      listings.map((l) => l.id),
      buyer.budgetId,
    );
    m.expectStatus(response, 201);
    const order = response.body;
    expect(order).toMatchObject({
      total: '515.45',
      fee: '12.88625',
      status: 'completed',
      budgetId: buyer.budgetId,
    });
    expect(order.lines.map((l: Json) => [l.price, l.fee, l.proceeds])).toEqual([
      ['29.99', '0.74975', '29.24025'],
      ['7.99', '0.19975', '7.79025'],
      ['12.50', '0.3125', '12.1875'],
      ['199.99', '4.99975', '194.99025'],
      ['49.99', '1.24975', '48.74025'],
      ['125.00', '3.125', '121.875'],
      ['89.99', '2.24975', '87.74025'],
    ]);

    expect(await m.balance(buyer.key)).toBe('484.55');
    // Each seller is credited once, with the sum of their lines less the fees.
    expect(await Promise.all(sellers.map((s) => m.balance(s.key)))).toEqual([
      '49.218',
      '243.7305',
      '209.61525',
    ]);
    expect(formatFtns((await fees()) - feesBefore)).toBe('12.88625');
    const history = (await t.api('GET', '/v1/accounts/me/transfers', { key: buyer.key })).body.items;
    expect(
      history
        .filter((e: Json) => e.reference === order.id)
        .map((e: Json) => e.reason)
        .sort(),
    ).toEqual(['order', 'order', 'order', 'order_fee']);

    expect(await budget(buyer.key, buyer.budgetId)).toMatchObject({ spent: '515.45', utilisation: '51.5' });
    const charges = (await t.api('GET', `/v1/budgets/${buyer.budgetId}/charges`, { key: buyer.key })).body
      .items;
    expect(charges).toEqual([
      expect.objectContaining({ amount: '515.45', source: 'order', reference: order.id }),
    ]);

    const owned = (await t.api('GET', '/v1/me/entitlements', { key: buyer.key })).body.items;
    expect(owned).toHaveLength(7);
    expect(owned.every((e: Json) => e.status === 'active')).toBe(true);
    const sales = (await t.api('GET', '/v1/me/sales', { key: sellers[1]!.key })).body;
    expect(sales.items).toEqual([
      expect.objectContaining({
        orderId: order.id,
        buyerId: buyer.id,
        gross: '249.98',
        fee: '6.2495',
        net: '243.7305',
      }),
    ]);
    expect(sales.earnings).toEqual({
      sales: 1,
      refunded: 0,
      gross: '249.98',
      fees: '6.2495',
      net: '243.7305',
    });
    await expectBooksExact([buyer.budgetId]);
  });

  it('buys them one by one too: seven purchases, every one admitted, 515.45 together', async () => {
    const seller = await m.funded('0');
    const listings = [];
    for (const [, type, price] of SEED) listings.push(await m.createListing(seller.key, { type, price }));
    const buyer = await m.buyer('515.45', '515.45');
    const totals: string[] = [];
    for (const listing of listings) {
      const response = await m.order(buyer.key, [listing.id], buyer.budgetId);
      m.expectStatus(response, 201);
      totals.push(response.body.total);
    }
    expect(sumOf(totals)).toBe('515.45');
    expect(await m.balance(buyer.key)).toBe('0.00');
    expect(await budget(buyer.key, buyer.budgetId)).toMatchObject({ spent: '515.45', utilisation: '100.0' });
    const orders = (await t.api('GET', '/v1/orders', { key: buyer.key })).body.items;
    expect(orders).toHaveLength(7);
    await expectBooksExact([buyer.budgetId]);
  });

  it("rounds each line's fee half-up to a whole micro-FTNS, so the lines add up exactly", async () => {
    const seller = await m.funded('0');
    const half = await m.createListing(seller.key, { price: '0.00002', pricingModel: 'pay_per_use' });
    const below = await m.createListing(seller.key, { price: '0.000019', pricingModel: 'pay_per_use' });
    const buyer = await m.buyer('1');
    const response = await m.order(buyer.key, [half.id, below.id], buyer.budgetId);
    m.expectStatus(response, 201);
    expect(response.body.lines.map((l: Json) => [l.price, l.fee, l.proceeds])).toEqual([
      ['0.00002', '0.000001', '0.000019'],
      ['0.000019', '0.00', '0.000019'],
    ]);
    expect(response.body).toMatchObject({ total: '0.000039', fee: '0.000001' });
    expect(await m.balance(seller.key)).toBe('0.000038');
  });
});

describe('Checkout: the end-to-end journeys', () => {
  const JOURNEYS: { name: string; total: string; items: [string, string, string][] }[] = [
    {
      name: 'scientific research',
      total: '459.47',
      items: [
        ['labs', 'dataset', '29.99'],
        ['labs', 'knowledge_resource', '199.99'],
        ['labs', 'agent_workflow', '7.99'],
        ['labs', 'compute_resource', '221.50'],
      ],
    },
    {
      name: 'AI development',
      total: '294.97',
      items: [
        ['labs', 'training_service', '125.00'],
        ['labs', 'evaluation_service', '49.99'],
        ['labs', 'safety_tool', '89.99'],
        ['labs', 'dataset', '29.99'],
      ],
    },
    {
      name: 'enterprise deployment',
      total: '2699.97',
      items: [
        ['enterprise', 'safety_tool', '999.99'],
        ['enterprise', 'compute_resource', '1499.99'],
        ['enterprise', 'knowledge_resource', '199.99'],
      ],
    },
    {
      name: 'community collaboration',
      total: '45.75',
      items: [
        ['labs', 'knowledge_resource', '15.25'],
        ['labs', 'evaluation_service', '20.50'],
        ['labs', 'agent_workflow', '10.00'],
      ],
    },
  ];

  it('charges 459.47, 294.97, 2,699.97 and 45.75 (3,500.16) in one checkout each, each budget showing its journey', async () => {
    const sellers = { labs: await m.funded('0'), enterprise: await m.funded('0') };
    const totals: string[] = [];
    const budgetIds: string[] = [];
    for (const journey of JOURNEYS) {
      const listings = [];
      for (const [seller, type, price] of journey.items)
        listings.push(await m.createListing(sellers[seller as keyof typeof sellers].key, { type, price }));
      const buyer = await m.funded('5000');
      const created = await m.createBudget(buyer.key, {
        name: journey.name,
        total: '3000',
        categories: { marketplace_trading: { allocation: journey.total } },
      });
      budgetIds.push(created.id);
      const response = await m.order(
        buyer.key,
        listings.map((l) => l.id),
        created.id,
      );
      m.expectStatus(response, 201);
      expect(response.body.total).toBe(journey.total);
      totals.push(response.body.total);
      const read = await budget(buyer.key, created.id);
      expect(read.spent).toBe(journey.total);
      expect(read.categories.marketplace_trading).toMatchObject({
        spent: journey.total,
        utilisation: '100.0',
      });
      expect(await m.balance(buyer.key)).toBe(formatFtns(micro('5000') - micro(journey.total)));
    }
    expect(totals).toEqual(['459.47', '294.97', '2699.97', '45.75']);
    expect(sumOf(totals)).toBe('3500.16');
    await expectBooksExact(budgetIds);
  });
});

describe('Checkout: budget scenario 4 with real listings', () => {
  it('admits all five purchases: 270.96 spent, 90.3 %, categories 46.0 / 120.0 / 90.0 %', async () => {
    const seller = await m.funded('0');
    const buyer = await m.funded('1000');
    const created = await m.createBudget(buyer.key, {
      name: 'Marketplace',
      total: '300',
      categories: {
        marketplace_datasets: { allocation: '100' },
        marketplace_models: { allocation: '150' },
        marketplace_compute: { allocation: '50' },
      },
    });
    const purchases: [string, string, string][] = [
      ['dataset', '29.99', 'marketplace_datasets'],
      ['ai_model', '79.99', 'marketplace_models'],
      ['compute_resource', '45.00', 'marketplace_compute'],
      ['dataset', '15.99', 'marketplace_datasets'],
      ['ai_model', '99.99', 'marketplace_models'],
    ];
    for (const [type, price, category] of purchases) {
      const listing = await m.createListing(seller.key, { type, price });
      m.expectStatus(await m.order(buyer.key, [listing.id], created.id, category), 201);
    }
    const read = await budget(buyer.key, created.id);
    expect(read).toMatchObject({ spent: '270.96', utilisation: '90.3' });
    expect(read.categories.marketplace_datasets.utilisation).toBe('46.0');
    expect(read.categories.marketplace_models.utilisation).toBe('120.0');
    expect(read.categories.marketplace_compute.utilisation).toBe('90.0');
    const alerts = (await t.api('GET', `/v1/budgets/${created.id}/alerts`, { key: buyer.key })).body.items;
    expect(alerts.map((a: Json) => a.threshold)).toEqual([50, 75, 90]);
    await expectBooksExact([created.id]);
  });
});

describe('Checkout: refusals write nothing', () => {
  /** Places the order and checks that it was refused with `status` and `code` and left no trace. */
  async function refused(
    buyer: { key: string; budgetId: string },
    listingIds: string[],
    status: number,
    code: string,
    path?: string,
  ) {
    const before = { balance: await m.balance(buyer.key), budget: await budget(buyer.key, buyer.budgetId) };
    const ordersBefore = (await t.api('GET', '/v1/orders', { key: buyer.key })).body.items.length;
    const response = await m.order(buyer.key, listingIds, buyer.budgetId);
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body.code).toBe(code);
    if (path) expect(response.body.errors.map((e: Json) => e.path)).toContain(path);
    expect(await m.balance(buyer.key)).toBe(before.balance);
    expect((await budget(buyer.key, buyer.budgetId)).spent).toBe(before.budget.spent);
    expect((await t.api('GET', '/v1/orders', { key: buyer.key })).body.items).toHaveLength(ordersBefore);
    return response;
  }

  it('refuses a whole order with a retired listing in it (409 listing_unavailable)', async () => {
    const seller = await m.funded('0');
    const kept = await m.createListing(seller.key);
    const retired = await m.createListing(seller.key);
    m.expectStatus(
      await t.api('PATCH', `/v1/listings/${retired.id}`, { key: seller.key, body: { status: 'retired' } }),
      200,
    );
    const buyer = await m.buyer();
    await refused(buyer, [kept.id, retired.id], 409, 'listing_unavailable', 'body.items.1.listingId');
    expect((await t.api('GET', '/v1/me/entitlements', { key: buyer.key })).body.items).toEqual([]);
  });

  it("treats another seller's draft as no listing (422 unknown_listing), and a suspended one as unavailable", async () => {
    const seller = await m.funded('0');
    const draft = await m.createListing(seller.key, { status: 'draft' });
    const suspended = await m.createListing(seller.key);
    m.expectStatus(
      await t.api('PATCH', `/v1/listings/${suspended.id}`, {
        key: t.adminKey,
        body: { status: 'suspended' },
      }),
      200,
    );
    const buyer = await m.buyer();
    await refused(buyer, [draft.id], 422, 'unknown_listing', 'body.items.0.listingId');
    await refused(buyer, ['lst_doesnotexist'], 422, 'unknown_listing', 'body.items.0.listingId');
    // A suspended listing is hidden from buyers like a draft.
    await refused(buyer, [suspended.id], 422, 'unknown_listing');
  });

  it('refuses buying your own listing (422 own_listing), even your own draft', async () => {
    const seller = await m.buyer();
    const own = await m.createListing(seller.key);
    const ownDraft = await m.createListing(seller.key, { status: 'draft' });
    await refused(seller, [own.id], 422, 'own_listing', 'body.items.0.listingId');
    await refused(seller, [ownDraft.id], 422, 'own_listing');
  });

  it('refuses more than 25 lines and duplicate lines (422)', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key);
    const buyer = await m.buyer();
    const tooMany = Array.from({ length: 26 }, (_, i) => `lst_x${i}`);
    await refused(buyer, tooMany, 422, 'validation_failed', 'body.items');
    await refused(buyer, [listing.id, listing.id], 422, 'validation_failed', 'body.items.1.listingId');
  });

  it('refuses an order whose transaction would pass 100 items (25 lines from 25 sellers) with 422 order_too_large', async () => {
    const listings = await Promise.all(
      Array.from({ length: 25 }, async () => m.createListing((await m.funded('0')).key, { price: '1' })),
    );
    const buyer = await m.buyer();
    await refused(
      buyer,
      listings.map((l) => l.id),
      422,
      'order_too_large',
    );
    // 25 lines from 10 sellers fit.
    const sellers = await Promise.all(Array.from({ length: 10 }, () => m.funded('0')));
    const fitting = [];
    for (let i = 0; i < 25; i++) fitting.push(await m.createListing(sellers[i % 10]!.key, { price: '1' }));
    const response = await m.order(
      buyer.key,
      fitting.map((l) => l.id),
      buyer.budgetId,
    );
    m.expectStatus(response, 201);
    expect(response.body.total).toBe('25.00');
  });

  it('refuses an order the balance cannot pay (402 insufficient_funds) or the budget cannot cover (402 budget_exceeded)', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, { price: '50' });
    const poor = await m.buyer('49.99');
    await refused(poor, [listing.id], 402, 'insufficient_funds');
    const capped = await m.buyer('1000', '49.99');
    const response = await refused(capped, [listing.id], 402, 'budget_exceeded');
    expect(response.body.detail).toContain('0.01');
  });

  it('refuses a second purchase of a one-time listing (409 already_owned)', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, { pricingModel: 'one_time' });
    const buyer = await m.buyer();
    m.expectStatus(await m.order(buyer.key, [listing.id], buyer.budgetId), 201);
    await refused(buyer, [listing.id], 409, 'already_owned', 'body.items.0.listingId');
  });

  it('needs an Idempotency-Key, a budget the buyer belongs to, and a known category shape', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key);
    const buyer = await m.buyer();
    const body = {
      items: [{ listingId: listing.id }],
      budgetId: buyer.budgetId,
      category: 'marketplace_trading',
    };
    const noKey = await t.api('POST', '/v1/orders', { key: buyer.key, body });
    expect(noKey.status).toBe(400);
    expect(noKey.body.code).toBe('idempotency_key_required');
    const stranger = await m.buyer();
    const foreignBudget = await m.order(stranger.key, [listing.id], buyer.budgetId);
    expect(foreignBudget.status).toBe(404);
    const badCategory = await t.api('POST', '/v1/orders', {
      key: buyer.key,
      body: { ...body, category: 'Not A Slug' },
      headers: idem(),
    });
    expect(badCategory.status).toBe(422);
    expect(await m.balance(stranger.key)).toBe('10000.00');
  });
});

describe('Checkout: idempotency', () => {
  it('answers a retry with the first answer, even for a one-time listing it now owns, and refuses the key with another body', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, { pricingModel: 'one_time', price: '3' });
    const other = await m.createListing(seller.key, { price: '4' });
    const buyer = await m.buyer();
    const headers = idem();
    const first = await m.order(buyer.key, [listing.id], buyer.budgetId, 'marketplace_trading', headers);
    m.expectStatus(first, 201);
    const again = await m.order(buyer.key, [listing.id], buyer.budgetId, 'marketplace_trading', headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const reused = await m.order(buyer.key, [other.id], buyer.budgetId, 'marketplace_trading', headers);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    expect(await m.balance(buyer.key)).toBe('9997.00');
  });
});

describe('Checkout: pricing models', () => {
  it('records a free listing with no transfer, counts pay-per-use lines as uses, runs a subscription 30 days per order', async () => {
    const seller = await m.funded('0');
    const free = await m.createListing(seller.key, { type: 'mcp_tool', pricingModel: 'free', price: '0' });
    const perUse = await m.createListing(seller.key, {
      type: 'ai_model',
      pricingModel: 'pay_per_use',
      price: '0.50',
    });
    const monthly = await m.createListing(seller.key, {
      type: 'knowledge_resource',
      pricingModel: 'subscription',
      price: '20',
    });
    const buyer = await m.buyer('100');

    const freeOrder = await m.order(buyer.key, [free.id], buyer.budgetId);
    m.expectStatus(freeOrder, 201);
    expect(freeOrder.body).toMatchObject({ total: '0.00', fee: '0.00' });
    expect(await m.balance(buyer.key)).toBe('100.00');
    expect(await m.balance(seller.key)).toBe('0.00');
    expect((await budget(buyer.key, buyer.budgetId)).spent).toBe('0.00');

    for (let i = 0; i < 3; i++) m.expectStatus(await m.order(buyer.key, [perUse.id], buyer.budgetId), 201);
    const start = Date.now();
    m.expectStatus(await m.order(buyer.key, [monthly.id], buyer.budgetId), 201);
    m.expectStatus(await m.order(buyer.key, [monthly.id], buyer.budgetId), 201);
    expect(await m.balance(buyer.key)).toBe('58.50');

    const owned = (await t.api('GET', '/v1/me/entitlements', { key: buyer.key })).body.items as Json[];
    const byId = Object.fromEntries(owned.map((e) => [e.listingId, e]));
    expect(byId[free.id]).toMatchObject({ pricingModel: 'free', status: 'active' });
    expect(byId[perUse.id]).toMatchObject({ pricingModel: 'pay_per_use', status: 'active', uses: 3 });
    const days = (Date.parse(byId[monthly.id].validUntil) - start) / 86_400_000;
    expect(byId[monthly.id]).toMatchObject({ pricingModel: 'subscription', status: 'active' });
    expect(days).toBeGreaterThan(59.9);
    expect(days).toBeLessThan(60.1);
  });
});

describe('Orders, sales and refunds', () => {
  it('shows an order to its buyer and admins only', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key);
    const buyer = await m.buyer();
    const order = (await m.order(buyer.key, [listing.id], buyer.budgetId)).body;
    expect((await t.api('GET', `/v1/orders/${order.id}`, { key: buyer.key })).body).toEqual(order);
    expect((await t.api('GET', `/v1/orders/${order.id}`, { key: seller.key })).status).toBe(404);
    expect((await t.api('GET', `/v1/orders/${order.id}`, { key: t.adminKey })).status).toBe(200);
    const listed = await t.api('GET', `/v1/orders?buyerId=${buyer.id}`, { key: t.adminKey });
    expect(listed.body.items.map((o: Json) => o.id)).toEqual([order.id]);
    expect((await t.api('GET', `/v1/orders?buyerId=${buyer.id}`, { key: seller.key })).status).toBe(403);
  });

  it('refunds an order once: transfers reversed, fees returned, budget credited back, entitlements taken back', async () => {
    const [a, b] = [await m.funded('0'), await m.funded('0')];
    const owned = await m.createListing(a.key, { pricingModel: 'one_time', price: '40' });
    const uses = await m.createListing(a.key, { type: 'ai_model', pricingModel: 'pay_per_use', price: '2' });
    const other = await m.createListing(b.key, { type: 'compute_resource', price: '18' });
    const buyer = await m.buyer('100', '100');
    const feesBefore = await fees();
    m.expectStatus(await m.order(buyer.key, [uses.id], buyer.budgetId), 201);
    const order = (await m.order(buyer.key, [owned.id, uses.id, other.id], buyer.budgetId)).body;
    expect(order.total).toBe('60.00');
    expect(await m.balance(buyer.key)).toBe('38.00');
    expect((await budget(buyer.key, buyer.budgetId)).utilisation).toBe('62.0');

    expect(
      (await t.api('POST', `/v1/orders/${order.id}/refund`, { key: buyer.key, headers: idem() })).status,
    ).toBe(403);
    const headers = idem();
    const refund = await t.api('POST', `/v1/orders/${order.id}/refund`, { key: t.adminKey, headers });
    m.expectStatus(refund, 200);
    expect(refund.body).toMatchObject({
      id: order.id,
      status: 'refunded',
      refund: { refundedBy: 'usr_admin' },
    });
    const replay = await t.api('POST', `/v1/orders/${order.id}/refund`, { key: t.adminKey, headers });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(refund.body);
    const twice = await t.api('POST', `/v1/orders/${order.id}/refund`, { key: t.adminKey, headers: idem() });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('already_refunded');

    expect(await m.balance(buyer.key)).toBe('98.00');
    expect(await m.balance(a.key)).toBe('1.95'); // the first order's 2.00 less its fee
    expect(await m.balance(b.key)).toBe('0.00');
    expect(formatFtns((await fees()) - feesBefore)).toBe('0.05');
    const read = await budget(buyer.key, buyer.budgetId);
    expect(read).toMatchObject({ spent: '2.00', remaining: '98.00', utilisation: '2.0' });
    expect(read.categories.marketplace_trading.spent).toBe('2.00');
    const charges = (await t.api('GET', `/v1/budgets/${buyer.budgetId}/charges`, { key: buyer.key })).body
      .items;
    expect(charges[0]).toMatchObject({ amount: '-60.00', source: 'refund', reference: order.id });

    const entitlements = (await t.api('GET', '/v1/me/entitlements', { key: buyer.key })).body.items as Json[];
    const byId = Object.fromEntries(entitlements.map((e) => [e.listingId, e]));
    expect(byId[owned.id].status).toBe('revoked');
    expect(byId[uses.id]).toMatchObject({ status: 'active', uses: 1 });
    expect(byId[other.id].status).toBe('revoked');
    // A refunded one-time listing can be bought again.
    m.expectStatus(await m.order(buyer.key, [owned.id], buyer.budgetId), 201);

    const sales = (await t.api('GET', '/v1/me/sales', { key: a.key })).body;
    expect(sales.items.map((s: Json) => s.status)).toEqual(['completed', 'refunded', 'completed']);
    expect(sales.earnings).toMatchObject({
      sales: 2,
      refunded: 1,
      gross: '42.00',
      fees: '1.05',
      net: '40.95',
    });
    await expectBooksExact([buyer.budgetId]);
  });

  it('refuses a refund the seller can no longer cover (409 refund_not_covered), leaving everything as it was', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, { price: '10' });
    const buyer = await m.buyer();
    const order = (await m.order(buyer.key, [listing.id], buyer.budgetId)).body;
    const sink = await m.funded('0');
    m.expectStatus(
      await t.api('POST', '/v1/transfers', {
        key: seller.key,
        body: { to: sink.id, amount: '5' },
        headers: idem(),
      }),
      201,
    );
    const refund = await t.api('POST', `/v1/orders/${order.id}/refund`, { key: t.adminKey, headers: idem() });
    expect(refund.status).toBe(409);
    expect(refund.body.code).toBe('refund_not_covered');
    expect((await t.api('GET', `/v1/orders/${order.id}`, { key: buyer.key })).body.status).toBe('completed');
    expect(await m.balance(buyer.key)).toBe('9990.00');
  });
});
