import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import { marketplace, micro } from './marketplace-support.js';
import {
  account,
  budget,
  EXAMPLE_QUERY,
  finished,
  researcher,
  submit,
  submitted,
  waitFor,
} from './workflows-support.js';

/** Marketplace listings named as a workflow's teacher context: entitlement checked, pay-per-use bought once. */
let t: TestRuntime;
beforeAll(async () => {
  // The executors' test hooks: [[fail-once:teacher]] redelivers the teacher after its purchase.
  process.env.PRSM_WORKFLOW_TEST_HOOKS = '1';
  t = await startTestRuntime(import.meta.filename);
});
afterAll(async () => {
  await t.stop();
  delete process.env.PRSM_WORKFLOW_TEST_HOOKS;
});

describe('Listings as the teacher context', () => {
  it('buys a pay-per-use listing once through the checkout on the workflow budget, even when the teacher phase is redelivered', async () => {
    const m = marketplace(t);
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, {
      type: 'knowledge_resource',
      pricingModel: 'pay_per_use',
      price: '2.00',
    });
    const who = await researcher(t, { grant: '500', total: '150' });
    // The teacher fails once after the purchase: SQS redelivers it, and it must not buy again.
    const id = await submitted(t, who, {
      prompt: `${EXAMPLE_QUERY} [[fail-once:teacher]]`,
      listings: [listing.id],
    });
    const workflow = await waitFor(t, who.key, id, finished);
    expect(workflow.status).toBe('completed');
    expect(workflow.phases[0].attempts).toBe(2);
    expect(workflow.totalCost).toBe('112.90');
    // The buyer paid the phases and one use of the listing; the seller got the price less the 2.5 % fee.
    expect(micro((await account(t, who.key)).balance)).toBe(micro('500') - micro('112.90') - micro('2.00'));
    expect(micro(await m.balance(seller.key))).toBe(micro('1.95'));
    const spent = await budget(t, who.key, who.budgetId);
    expect(spent.spent).toBe('114.90');
    expect(spent.reserved).toBe('0.00');
    expect(spent.categories.marketplace_trading.spent).toBe('20.25');
    const charges = await t.api('GET', `/v1/budgets/${who.budgetId}/charges?limit=100`, { key: who.key });
    const orders = charges.body.items.filter((c: { source: string }) => c.source === 'order');
    expect(orders).toHaveLength(1);
    expect(orders[0].amount).toBe('2.00');
    expect((await m.audit()).sumOfBalances).toBe('0.00');
  });

  it('uses a listing the caller holds without buying it again', async () => {
    const m = marketplace(t);
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, {
      type: 'agent_workflow',
      pricingModel: 'one_time',
      price: '3.00',
    });
    const who = await researcher(t, { grant: '500', total: '150' });
    m.expectStatus(await m.order(who.key, [listing.id], who.budgetId), 201);
    const id = await submitted(t, who, { prompt: EXAMPLE_QUERY, listings: [listing.id] });
    const workflow = await waitFor(t, who.key, id, finished);
    expect(workflow.status).toBe('completed');
    expect(micro((await account(t, who.key)).balance)).toBe(micro('500') - micro('112.90') - micro('3.00'));
    expect(micro(await m.balance(seller.key))).toBe(micro('2.925'));
  });

  it('refuses, holding nothing, a listing the caller is not entitled to and cannot buy, or one that is no context', async () => {
    const m = marketplace(t);
    const seller = await m.funded('0');
    const owned = await m.createListing(seller.key, { type: 'dataset', pricingModel: 'one_time' });
    const tool = await m.createListing(seller.key, { type: 'compute_resource', pricingModel: 'pay_per_use' });
    const who = await researcher(t, { grant: '500', total: '150' });
    const notEntitled = await submit(t, who, { prompt: EXAMPLE_QUERY, listings: [owned.id] });
    expect(notEntitled.status).toBe(422);
    expect(notEntitled.body.code).toBe('listing_not_entitled');
    const unknown = await submit(t, who, { prompt: EXAMPLE_QUERY, listings: ['lst_doesnotexist'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('listing_not_entitled');
    const notContext = await submit(t, who, { prompt: EXAMPLE_QUERY, listings: [tool.id] });
    expect(notContext.status).toBe(422);
    expect(notContext.body.code).toBe('listing_not_context');
    expect(await account(t, who.key)).toMatchObject({ balance: '500.00', held: '0.00' });
    const listed = await t.api('GET', '/v1/workflows', { key: who.key });
    expect(listed.body.items).toHaveLength(0);
  });
});
