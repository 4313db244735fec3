import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { budgetSteps, idempotencyKey } from '../support/budgets.js';
import { useRuntime } from '../support/runtime.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';
import { idem, marketplace } from './marketplace-support.js';

const t = useRuntime(import.meta.url);
const wait = { timeout: GENEROUS_WAIT_MS, interval: 100 };

const events = async (key: string, query = '') => {
  const response = await t.api('GET', `/v1/events${query}`, { key });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.items as {
    id: string;
    type: string;
    timestamp: string;
    data: Record<string, unknown>;
  }[];
};

describe('The events API', () => {
  it("lists a buyer's order.completed and order.refunded with the order as GET /v1/orders shows it", async () => {
    const m = marketplace(t);
    const seller = await m.funded('0');
    const buyer = await m.buyer();
    const listing = await m.createListing(seller.key, { price: '3.00' });
    const ordered = await m.order(buyer.key, [listing.id], buyer.budgetId);
    m.expectStatus(ordered, 201);
    await vi.waitFor(async () => expect(await events(buyer.key, '?type=order.*')).toHaveLength(1), wait);
    const [completed] = await events(buyer.key, '?type=order.completed');
    const shown = await t.api('GET', `/v1/orders/${ordered.body.id}`, { key: buyer.key });
    expect(completed).toMatchObject({ type: 'order.completed', data: { order: shown.body } });
    expect(completed!.id).toMatch(/^evt_/);
    // The order's transaction wrote the event to the outbox; the consumer took it out.
    await vi.waitFor(async () => {
      const { Item } = await t.table.doc.send(
        new GetCommand({
          TableName: t.table.name,
          Key: { pk: `OUTBOX#order:${ordered.body.id}:completed`, sk: 'EVENT' },
        }),
      );
      expect(Item).toMatchObject({ publishedAt: expect.any(String) });
      expect(Item).not.toHaveProperty('gsi3pk');
    }, wait);

    const refunded = await t.api('POST', `/v1/orders/${ordered.body.id}/refund`, {
      key: t.adminKey,
      headers: idem(),
    });
    m.expectStatus(refunded, 200);
    await vi.waitFor(async () => expect(await events(buyer.key, '?type=order.*')).toHaveLength(2), wait);
    const [latest] = await events(buyer.key, '?type=order.refunded');
    expect(latest!.data.order).toEqual(
      (await t.api('GET', `/v1/orders/${ordered.body.id}`, { key: buyer.key })).body,
    );
    // The ids are stable: the first event reads the same again.
    expect((await events(buyer.key, '?type=order.completed'))[0]).toEqual(completed);
    expect(await events(seller.key)).toEqual([]);
  });

  it('filters by time, newest first, and pages with a cursor', async () => {
    const m = marketplace(t);
    const seller = await m.funded('0');
    const buyer = await m.buyer();
    for (const price of ['1.00', '2.00', '3.00']) {
      const listing = await m.createListing(seller.key, { price });
      m.expectStatus(await m.order(buyer.key, [listing.id], buyer.budgetId), 201);
    }
    await vi.waitFor(async () => expect(await events(buyer.key)).toHaveLength(3), wait);
    const all = await events(buyer.key);
    const times = all.map((event) => event.timestamp);
    expect([...times].sort().reverse()).toEqual(times);
    const [newest, middle, oldest] = all;
    expect(await events(buyer.key, `?from=${middle!.timestamp}`)).toEqual([newest, middle]);
    expect(await events(buyer.key, `?to=${middle!.timestamp}`)).toEqual([middle, oldest]);
    expect(await events(buyer.key, `?from=${middle!.timestamp}&to=${middle!.timestamp}`)).toEqual([middle]);

    const first = await t.api('GET', '/v1/events?limit=2', { key: buyer.key });
    expect(first.body.items).toEqual([newest, middle]);
    const second = await t.api('GET', `/v1/events?limit=2&cursor=${first.body.nextCursor}`, {
      key: buyer.key,
    });
    expect(second.body.items).toEqual([oldest]);
    const foreign = await t.api('GET', `/v1/events?cursor=${first.body.nextCursor}`, { key: seller.key });
    expect(foreign.status).toBe(422);
  });

  it('tells the owner and members of a request for more budget and of its denial, with the request as the API lists it', async () => {
    const steps = budgetSteps(t);
    const [owner, member] = [await steps.funded(), await steps.funded()];
    const budget = await steps.createBudget(owner.key, {
      name: 'Asked',
      total: '10',
      members: [{ userId: member.id }],
    });
    const asked = await t.api('POST', `/v1/budgets/${budget.id}/expansions`, {
      key: member.key,
      body: { amount: '5', reason: 'more GPU' },
      headers: idempotencyKey(),
    });
    expect(asked.status).toBe(201);
    await vi.waitFor(
      async () => expect(await events(owner.key, '?type=budget.expansion.requested')).toHaveLength(1),
      wait,
    );
    const denied = await t.api('POST', `/v1/budgets/${budget.id}/expansions/${asked.body.id}/deny`, {
      key: owner.key,
    });
    expect(denied.status).toBe(200);
    await vi.waitFor(
      async () => expect(await events(member.key, '?type=budget.expansion.*')).toHaveLength(2),
      wait,
    );
    const listed = await t.api('GET', `/v1/budgets/${budget.id}/expansions`, { key: owner.key });
    const [deniedEvent, requestedEvent] = await events(member.key, '?type=budget.expansion.*');
    const { decidedBy: _by, decidedAt: _at, ...asRequested } = listed.body.items[0];
    expect(requestedEvent).toMatchObject({ type: 'budget.expansion.requested' });
    expect(requestedEvent!.data.expansion).toEqual({ ...asRequested, status: 'pending' });
    expect(deniedEvent).toMatchObject({
      type: 'budget.expansion.denied',
      data: { expansion: listed.body.items[0] },
    });
    expect(listed.body.items[0].status).toBe('denied');
    expect(await events(owner.key, '?type=budget.expansion.*')).toEqual([deniedEvent, requestedEvent]);
  });

  it("tells a hold's owner when it expired, with the hold as the API shows it", async () => {
    const owner = await t.newUser();
    await t.grant(owner.id, '5');
    const hold = await t.api('POST', '/v1/holds', {
      key: owner.key,
      body: { amount: '2', expiresInSeconds: 1 },
      headers: idempotencyKey(),
    });
    expect(hold.status).toBe(201);
    // The sweep resolves lapsed holds and publishes what their expiry wrote to the outbox.
    await vi.waitFor(async () => {
      const shown = await t.api('GET', `/v1/holds/${hold.body.id}`, { key: owner.key });
      expect(shown.body.status).toBe('expired');
      await t.api('POST', '/v1/health/sweeps', { key: t.adminKey });
      expect(await events(owner.key, '?type=hold.expired')).toHaveLength(1);
    }, wait);
    const [expired] = await events(owner.key, '?type=hold.expired');
    const shown = await t.api('GET', `/v1/holds/${hold.body.id}`, { key: owner.key });
    expect(expired).toMatchObject({ type: 'hold.expired', data: { hold: shown.body } });
    expect(await events(owner.key, '?type=hold.*')).toEqual([expired]);
  });
});
