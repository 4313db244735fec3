import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '#platform/clock.js';
import { useRuntime } from '../support/runtime.js';
import { marketplace } from './marketplace-support.js';

/** Holds through HTTP: who may be paid, when they lapse, and the budget they reserve. */
const t = useRuntime(import.meta.filename);
let m: ReturnType<typeof marketplace>;

beforeAll(async () => {
  m = marketplace(t);
});

afterEach(() => {
  vi.restoreAllMocks();
});

let keys = 0;
const idem = () => ({ 'idempotency-key': `hold-${++keys}-${Math.random()}` });
const post = (key: string, path: string, body: unknown = {}) =>
  t.api('POST', path, { key, body, headers: idem() });

/** The runtime runs in this process: its handlers read this clock. */
function freezeClockAt(time: number) {
  vi.spyOn(systemClock, 'now').mockImplementation(() => new Date(time));
}

describe('Holds: payees', () => {
  it('refuses a hold whose payee is its owner, as a transfer to oneself is refused', async () => {
    const user = await m.funded('100');
    const response = await post(user.key, '/v1/holds', {
      amount: '5',
      expiresInSeconds: 60,
      payeeId: user.id,
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('self_transfer');
    expect(response.body.errors).toEqual([{ path: 'body.payeeId', message: 'must not be the payer' }]);
    expect((await t.api('GET', '/v1/accounts/me', { key: user.key })).body.held).toBe('0.00');
  });
});

describe('Holds: expiry to the millisecond', () => {
  it('captures a hold until the instant it expires, and agrees with the read on either side', async () => {
    const user = await m.funded('100');
    // 800 ms past a whole second: 0.7 s before expiry is then in the same second as expiry.
    const created = Math.ceil(Date.now() / 1000) * 1000 + 800;
    freezeClockAt(created);
    const first = await post(user.key, '/v1/holds', { amount: '5', expiresInSeconds: 1 });
    const second = await post(user.key, '/v1/holds', { amount: '5', expiresInSeconds: 1 });
    expect(first.body.expiresAt).toBe(new Date(created + 1000).toISOString());

    freezeClockAt(created + 1000 - 700);
    expect((await t.api('GET', `/v1/holds/${first.body.id}`, { key: user.key })).body.status).toBe('active');
    const captured = await post(user.key, `/v1/holds/${first.body.id}/capture`);
    expect(captured.status, JSON.stringify(captured.body)).toBe(200);
    expect(captured.body.status).toBe('captured');

    freezeClockAt(created + 1000);
    expect((await t.api('GET', `/v1/holds/${second.body.id}`, { key: user.key })).body.status).toBe(
      'expired',
    );
    const late = await post(user.key, `/v1/holds/${second.body.id}/capture`);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('hold_not_active');
  });
});

describe('Holds that reserve budget', () => {
  const budgetOf = async (key: string, id: string) => (await t.api('GET', `/v1/budgets/${id}`, { key })).body;

  async function budgetHold(amount: string, budgetTotal = '100') {
    const user = await m.funded('500');
    const budget = await m.createBudget(user.key, { total: budgetTotal });
    const hold = await post(user.key, '/v1/holds', {
      amount,
      expiresInSeconds: 3600,
      budgetId: budget.id,
      category: 'compute',
    });
    expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    return { user, budget, hold: hold.body };
  }

  it('reserves its amount on the budget and charges what a capture takes to its category', async () => {
    const { user, budget, hold } = await budgetHold('10');
    expect(hold).toMatchObject({ budgetId: budget.id, category: 'compute', status: 'active' });
    expect(await budgetOf(user.key, budget.id)).toMatchObject({ reserved: '10.00', remaining: '90.00' });

    const captured = await post(user.key, `/v1/holds/${hold.id}/capture`, { amount: '6' });
    expect(captured.status, JSON.stringify(captured.body)).toBe(200);
    const after = await budgetOf(user.key, budget.id);
    expect(after).toMatchObject({ spent: '6.00', reserved: '0.00', remaining: '94.00' });
    expect(after.categories.compute.spent).toBe('6.00');
    const charges = await t.api('GET', `/v1/budgets/${budget.id}/charges`, { key: user.key });
    expect(charges.body.items).toMatchObject([{ amount: '6.00', category: 'compute', source: 'hold' }]);
    expect((await t.api('GET', '/v1/accounts/me', { key: user.key })).body).toMatchObject({
      balance: '494.00',
      held: '0.00',
    });
    expect((await m.audit()).budgetDrift).toEqual([]);
  });

  it('returns the reservation when the hold is released', async () => {
    const { user, budget, hold } = await budgetHold('10');
    expect((await post(user.key, `/v1/holds/${hold.id}/release`)).status).toBe(200);
    expect(await budgetOf(user.key, budget.id)).toMatchObject({ spent: '0.00', reserved: '0.00' });
  });

  it('returns the reservation when the hold expires', async () => {
    const { user, budget, hold } = await budgetHold('10');
    freezeClockAt(Date.parse(hold.expiresAt) + 1);
    expect((await t.api('POST', '/v1/health/sweeps', { key: t.adminKey })).status).toBe(201);
    expect((await t.api('GET', `/v1/holds/${hold.id}`, { key: user.key })).body.status).toBe('expired');
    expect(await budgetOf(user.key, budget.id)).toMatchObject({ spent: '0.00', reserved: '0.00' });
    expect((await t.api('GET', '/v1/accounts/me', { key: user.key })).body.held).toBe('0.00');
  });

  it('refuses a hold the budget has no room for, one on a budget of another, and a budget without category', async () => {
    const user = await m.funded('500');
    const budget = await m.createBudget(user.key, { total: '5' });
    const body = { amount: '10', expiresInSeconds: 60, budgetId: budget.id, category: 'compute' };
    const over = await post(user.key, '/v1/holds', body);
    expect(over.status).toBe(402);
    expect(over.body.code).toBe('budget_exceeded');
    const stranger = await m.funded('500');
    expect((await post(stranger.key, '/v1/holds', body)).status).toBe(404);
    const partial = await post(user.key, '/v1/holds', {
      amount: '1',
      expiresInSeconds: 60,
      budgetId: budget.id,
    });
    expect(partial.status).toBe(422);
    expect((await t.api('GET', '/v1/accounts/me', { key: user.key })).body.held).toBe('0.00');
  });
});
