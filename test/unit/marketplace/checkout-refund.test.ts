import { beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '#platform/errors.js';
import { type Idempotency, IdempotencyKeyReusedError, IdempotentReplay } from '#platform/idempotency.js';
import { budgetKey, budgetOf } from '#shared/budgets/budget.js';
import { budgetItem } from '#shared/budgets/budget-item.js';
import { BudgetExceededError } from '#shared/budgets/errors.js';
import { userKey } from '#shared/identity/users.js';
import { accountItemKey, shardKeys } from '#shared/ledger/account.js';
import { InsufficientFundsError } from '#shared/ledger/errors.js';
import { createHold } from '#shared/ledger/holds.js';
import { grant, transfer } from '#shared/ledger/transfers.js';
import { checkout, priceLine } from '#shared/marketplace/checkout.js';
import { entitlementKey } from '#shared/marketplace/entitlement.js';
import {
  AlreadyOwnedError,
  AlreadyRefundedError,
  ListingUnavailableError,
  OrderNotFoundError,
  OrderTooLargeError,
  OwnListingError,
  PriceChangedError,
  RefundNotCoveredError,
  UnknownListingError,
} from '#shared/marketplace/errors.js';
import { type Listing, listingItem, listingKey } from '#shared/marketplace/listing.js';
import type { MarketplaceDeps } from '#shared/marketplace/marketplace-deps.js';
import { type Order, orderKey, saleKey } from '#shared/marketplace/order.js';
import { refundOrder } from '#shared/marketplace/refund.js';
import { type MemoryTable, memoryTable } from '../../support/memory-table.js';
import { budgetWith, ftns } from '../budgets/fixtures.js';

/** The last checkout's or refund's own transaction: the one writing its event to the outbox (the consumer's mark follows it). */
const lastOrderTransaction = (table: { transactions: { Put?: { Item?: Record<string, unknown> } }[][] }) =>
  table.transactions.findLast((legs) => legs.some((leg) => leg.Put?.Item?.type === 'outbox-event'))!;

/**
 * The money of checkout and refund against the table in memory: who pays whom, the fee, the
 * budget's charge and its reversal. (Entitlements and listings are tested end to end.)
 */
let table: MemoryTable;
let now: Date;
let deps: MarketplaceDeps;
const buyer = { userId: 'buyer', role: 'user' as const };

const balance = (id: string) => (table.item(accountItemKey(id))?.balance as bigint | undefined) ?? 0n;
const fees = () =>
  shardKeys('fees').reduce((sum, key) => sum + ((table.item(key)?.balance as bigint) ?? 0n), 0n);
const budget = () => budgetOf(table.item(budgetKey('bud_1'))!);

function listing(id: string, overrides: Partial<Listing> = {}): Listing {
  const value: Listing = {
    id,
    sellerId: 'seller',
    type: 'dataset',
    title: `Listing ${id}`,
    description: 'data',
    tags: [],
    price: ftns(10),
    pricingModel: 'one_time',
    qualityGrade: 'community',
    status: 'active',
    metadata: {},
    ratingCount: 0,
    ratingSum: 0,
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  } as Listing;
  table.put(listingItem(value));
  return value;
}

const order = (listingIds: string[]) =>
  checkout(deps, { buyer, listingIds, budgetId: 'bud_1', category: 'data' });

beforeEach(async () => {
  table = memoryTable();
  now = new Date('2026-03-15T12:00:00.000Z');
  deps = {
    table,
    clock: { now: () => now },
    retry: { attempts: 3, baseDelayMs: 1, sleep: async () => {} },
    publish: async () => {},
    feePpm: 25_000n, // 2.5 %
  };
  for (const id of ['buyer', 'seller', 'other']) table.put({ ...userKey(id), type: 'user', id });
  table.put(
    budgetItem(budgetWith({ ownerId: 'buyer', members: { buyer: { cap: null } }, alertThresholds: [] })),
  );
  await grant(deps, { userId: 'buyer', amount: ftns(100) });
});

describe('Checkout: the money', () => {
  it('prices a line: the fee rounded half-up, the proceeds the rest', () => {
    expect(priceLine({ ...listing('l'), price: 333_333n }, 25_000n)).toMatchObject({
      price: 333_333n,
      fee: 8_333n,
      proceeds: 325_000n,
    });
    expect(priceLine({ ...listing('l'), price: 20n }, 25_000n)).toMatchObject({ fee: 1n, proceeds: 19n });
  });

  it('pays each seller once with the sum of their lines, the fee to fees, and charges the budget the total', async () => {
    listing('a', { price: ftns(10) });
    listing('b', { price: ftns(30), pricingModel: 'pay_per_use' });
    listing('c', { price: ftns(4), sellerId: 'other', pricingModel: 'subscription' });
    const placed = await order(['a', 'b', 'c']);
    expect(placed).toMatchObject({ buyerId: 'buyer', status: 'completed', total: ftns(44), fee: ftns(1.1) });
    expect(placed.lines.map((l) => [l.listingId, l.proceeds])).toEqual([
      ['a', ftns(9.75)],
      ['b', ftns(29.25)],
      ['c', ftns(3.9)],
    ]);
    expect(balance('buyer')).toBe(ftns(56));
    expect(balance('seller')).toBe(ftns(39));
    expect(balance('other')).toBe(ftns(3.9));
    expect(fees()).toBe(ftns(1.1));
    expect(budget()).toMatchObject({ spent: ftns(44), categorySpent: { data: ftns(44) } });
    const sellerTransfers = lastOrderTransaction(table).filter((leg) => leg.Put?.Item?.type === 'entry');
    expect(sellerTransfers).toHaveLength(6); // three transfers (two sellers, the fee), two entries each
    expect(table.item({ pk: 'BUDGET#bud_1', sk: `CHARGE#${placed.id}` })).toMatchObject({
      amount: ftns(44),
      source: 'order',
      reference: placed.id,
    });
    expect(table.item(saleKey('other', placed.id))).toBeDefined();
    expect(table.item(entitlementKey('buyer', 'b'))).toMatchObject({ uses: 1 });
  });

  it('moves no money for a free order and records no budget charge', async () => {
    listing('free', { price: 0n, pricingModel: 'free' });
    const placed = await order(['free']);
    expect(placed).toMatchObject({ total: 0n, fee: 0n });
    expect(balance('buyer')).toBe(ftns(100));
    expect(fees()).toBe(0n);
    expect(table.item({ pk: 'BUDGET#bud_1', sk: `CHARGE#${placed.id}` })).toBeUndefined();
  });

  it('pays a seller whose proceeds round to nothing no transfer, the fee still to fees', async () => {
    listing('tiny', { price: 1n });
    const placed = await order(['tiny']);
    expect(placed.lines[0]).toMatchObject({ fee: 0n, proceeds: 1n });
    expect(balance('seller')).toBe(1n);
  });

  it('refuses before writing anything: no lines, a line twice, unknown, own, retired, or owned listings', async () => {
    listing('a');
    listing('draft', { status: 'draft', sellerId: 'other' });
    listing('retired', { status: 'retired' });
    listing('mine', { sellerId: 'buyer' });
    await expect(order([])).rejects.toBeInstanceOf(ValidationError);
    await expect(order(['a', 'a'])).rejects.toThrow(ValidationError);
    await expect(order(['nothing'])).rejects.toBeInstanceOf(UnknownListingError);
    await expect(order(['draft'])).rejects.toBeInstanceOf(UnknownListingError);
    await expect(order(['mine'])).rejects.toBeInstanceOf(OwnListingError);
    await expect(order(['retired'])).rejects.toBeInstanceOf(ListingUnavailableError);
    await order(['a']);
    await expect(order(['a'])).rejects.toBeInstanceOf(AlreadyOwnedError);
    expect(balance('buyer')).toBe(ftns(90));
  });

  it('refuses an order its budget or its buyer cannot pay, moving nothing', async () => {
    listing('big', { price: ftns(101) });
    await expect(order(['big'])).rejects.toBeInstanceOf(BudgetExceededError);
    table.put(
      budgetItem(
        budgetWith({
          ownerId: 'buyer',
          members: { buyer: { cap: null } },
          total: ftns(500),
          limit: ftns(500),
        }),
      ),
    );
    await expect(order(['big'])).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(balance('buyer')).toBe(ftns(100));
    expect(balance('seller')).toBe(0n);
  });

  it('refuses, in the transaction, a listing whose price changed after the read', async () => {
    listing('a');
    const send = table.doc.send.bind(table.doc);
    let changed = false;
    table.doc.send = (async (command: unknown) => {
      const result = await send(command as never);
      if (!changed) {
        changed = true; // right after the batch read: the seller reprices
        table.put({ ...table.item(listingKey('a'))!, price: ftns(12) });
      }
      return result;
    }) as never;
    await expect(order(['a'])).rejects.toBeInstanceOf(PriceChangedError);
    expect(balance('buyer')).toBe(ftns(100));
  });
});

describe('Refund: the money back', () => {
  it('reverses each seller’s proceeds and the fee, credits the budget back, once', async () => {
    listing('a', { price: ftns(10) });
    listing('c', { price: ftns(4), sellerId: 'other', pricingModel: 'pay_per_use' });
    const placed = await order(['a', 'c']);
    now = new Date('2026-03-20T00:00:00.000Z');
    const refunded = await refundOrder(deps, { orderId: placed.id, adminId: 'admin' });
    expect(refunded).toMatchObject({ status: 'refunded', refund: { by: 'admin', at: now.toISOString() } });
    expect([balance('buyer'), balance('seller'), balance('other'), fees()]).toEqual([ftns(100), 0n, 0n, 0n]);
    expect(budget()).toMatchObject({ spent: 0n, categorySpent: { data: 0n } });
    expect(table.item({ pk: 'BUDGET#bud_1', sk: `CHARGE#${refunded.refund!.id}` })).toMatchObject({
      amount: -ftns(14),
      source: 'refund',
    });
    expect(table.item(orderKey(placed.id))).toMatchObject({ status: 'refunded', refundedBy: 'admin' });
    expect(table.item(saleKey('seller', placed.id))).toMatchObject({ status: 'refunded' });
    expect(table.item(entitlementKey('buyer', 'c'))).toMatchObject({ uses: 0 });
    await expect(refundOrder(deps, { orderId: placed.id, adminId: 'admin' })).rejects.toBeInstanceOf(
      AlreadyRefundedError,
    );
    await expect(refundOrder(deps, { orderId: 'ord_none', adminId: 'admin' })).rejects.toBeInstanceOf(
      OrderNotFoundError,
    );
  });

  it('leaves a closed period’s budget figures as they were', async () => {
    table.put(
      budgetItem(
        budgetWith({
          ownerId: 'buyer',
          members: { buyer: { cap: null } },
          alertThresholds: [],
          period: 'monthly',
          periodKey: '2026-03',
        }),
      ),
    );
    listing('a');
    const placed = await order(['a']);
    now = new Date('2026-04-02T00:00:00.000Z');
    await refundOrder(deps, { orderId: placed.id, adminId: 'admin' });
    expect(balance('buyer')).toBe(ftns(100));
    expect(budget()).toMatchObject({ periodKey: '2026-03', spent: ftns(10) });
  });

  it('refuses a refund the seller can no longer cover, unless lapsed holds were all that stood in the way', async () => {
    listing('a');
    const placed = await order(['a']);
    await createHold(deps, { ownerId: 'seller', amount: ftns(9.75), expiresInSeconds: 60 });
    await expect(refundOrder(deps, { orderId: placed.id, adminId: 'admin' })).rejects.toBeInstanceOf(
      RefundNotCoveredError,
    );
    now = new Date(now.getTime() + 60_000);
    await refundOrder(deps, { orderId: placed.id, adminId: 'admin' });
    expect(balance('seller')).toBe(0n);

    const second = await order([listing('b').id]);
    await transfer(deps, { from: 'seller', to: 'other', amount: ftns(1) });
    await expect(refundOrder(deps, { orderId: second.id, adminId: 'admin' })).rejects.toThrow(
      'Seller seller no longer has the proceeds available',
    );
  });
});

describe('Checkout and refund: limits and retries', () => {
  const idempotency = (key: string, requestHash = 'hash-1'): Idempotency<Order> => ({
    scope: 'buyer',
    key,
    requestHash,
    render: (result) => ({ status: 201, body: JSON.stringify({ id: result.id }) }),
  });

  it('answers a retried order as the first time, refuses the key for another request, and forgets it after a day', async () => {
    listing('p', { pricingModel: 'pay_per_use', price: ftns(1) });
    const first = await checkout(
      deps,
      { buyer, listingIds: ['p'], budgetId: 'bud_1', category: 'data' },
      idempotency('k1'),
    );
    const again = checkout(
      deps,
      { buyer, listingIds: ['p'], budgetId: 'bud_1', category: 'data' },
      idempotency('k1'),
    );
    await expect(again).rejects.toBeInstanceOf(IdempotentReplay);
    await expect(again).rejects.toMatchObject({
      response: { status: 201, body: JSON.stringify({ id: first.id }) },
    });
    await expect(
      checkout(
        deps,
        { buyer, listingIds: ['p'], budgetId: 'bud_1', category: 'data' },
        idempotency('k1', 'other'),
      ),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(balance('buyer')).toBe(ftns(99));
    now = new Date(now.getTime() + 24 * 3600 * 1000 + 1000);
    const later = await checkout(
      deps,
      { buyer, listingIds: ['p'], budgetId: 'bud_1', category: 'data' },
      idempotency('k1'),
    );
    expect(later.id).not.toBe(first.id);
    expect(balance('buyer')).toBe(ftns(98));
  });

  it('answers a retried refund as the first time', async () => {
    listing('a');
    const placed = await order(['a']);
    const key = { ...idempotency('r1'), scope: 'admin' };
    await refundOrder(deps, { orderId: placed.id, adminId: 'admin' }, key);
    await expect(refundOrder(deps, { orderId: placed.id, adminId: 'admin' }, key)).rejects.toBeInstanceOf(
      IdempotentReplay,
    );
    expect(balance('buyer')).toBe(ftns(100));
  });

  it('takes up to 25 lines, and refuses an order that pays too many sellers for one transaction', async () => {
    const ids = Array.from(
      { length: 26 },
      (_, i) => listing(`l${i}`, { price: 1n, sellerId: `seller${i}` }).id,
    );
    await expect(order(ids)).rejects.toMatchObject({
      errors: [{ path: 'body.items', message: 'must hold 1 to 25 lines' }],
    });
    await expect(order(ids.slice(0, 25))).rejects.toBeInstanceOf(OrderTooLargeError);
    // 2L + 4S + 8 items: 15 lines from 15 sellers make 98, within DynamoDB's 100.
    expect((await order(ids.slice(0, 15))).lines).toHaveLength(15);
    expect(balance('buyer')).toBe(ftns(100) - 15n);
    await expect(order(['l20', 'l21', 'l20'])).rejects.toMatchObject({
      errors: [{ path: 'body.items.2.listingId', message: 'appears twice in the order' }],
    });
  });
});

describe('Refund: nothing to move', () => {
  it('refunds a free order with no transfer and no budget credit', async () => {
    listing('free', { price: 0n, pricingModel: 'free' });
    const placed = await order(['free']);
    const before = budget();
    const refunded = await refundOrder(deps, { orderId: placed.id, adminId: 'admin' });
    expect(refunded.status).toBe('refunded');
    expect(lastOrderTransaction(table).filter((leg) => leg.Put?.Item?.type === 'entry')).toEqual([]);
    expect(table.item({ pk: 'BUDGET#bud_1', sk: `CHARGE#${refunded.refund!.id}` })).toBeUndefined();
    expect(budget()).toEqual(before);
  });

  it('refunds a line whose proceeds rounded to the whole price: no fee to give back', async () => {
    listing('tiny', { price: 1n });
    const placed = await order(['tiny']);
    await refundOrder(deps, { orderId: placed.id, adminId: 'admin' });
    expect([balance('buyer'), balance('seller'), fees()]).toEqual([ftns(100), 0n, 0n]);
  });
});
