import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

/**
 * Concurrent charges on one budget, in a file of their own: the local AWS copies a table on
 * every transaction, so this load runs against a table that holds little else.
 */
let t: TestRuntime;

beforeAll(async () => {
  t = await startTestRuntime(import.meta.filename);
});

afterAll(async () => {
  await t.stop();
});

let keys = 0;
const idem = () => ({ 'idempotency-key': `c-${++keys}-${Math.random()}` });

async function funded(amount = '10000') {
  const user = await t.newUser();
  await t.grant(user.id, amount);
  return user;
}

async function createBudget(key: string, body: Record<string, unknown>) {
  const response = await t.api('POST', '/v1/budgets', { key, body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

/** A client as the API asks: a 503 (too much contention) is retried with the same key. */
async function charge(key: string, budgetId: string, amount: string, category: string) {
  const headers = idem();
  for (let attempt = 1; ; attempt++) {
    const response = await t.api('POST', `/v1/budgets/${budgetId}/charges`, {
      key,
      body: { amount, category },
      headers,
    });
    if (response.status !== 503 || attempt === 10) return response;
    expect(response.headers.get('retry-after')).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
  }
}

const budget = async (key: string, id: string) => (await t.api('GET', `/v1/budgets/${id}`, { key })).body;

describe('Budgets: concurrency', () => {
  it('admits exactly 100 of 300 concurrent charges of 1.00 on a budget of 100, the capped member exactly 20, one alert per threshold', {
    timeout: 60_000,
  }, async () => {
    const [owner, capped, other] = [await funded(), await funded(), await funded()];
    const shared = await createBudget(owner.key, {
      name: 'Busy',
      total: '100',
      members: [{ userId: capped.id, cap: '20' }, { userId: other.id }],
    });
    const members = [owner, capped, other];
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        charge(members[i % 3]!.key, shared.id, '1.00', 'model_inference'),
      ),
    );
    const admitted = responses.filter((r) => r.status === 201);
    expect(admitted).toHaveLength(100);
    expect(responses.filter((r) => r.status === 402)).toHaveLength(200);
    const read = await budget(owner.key, shared.id);
    expect(read).toMatchObject({ spent: '100.00', remaining: '0.00', utilisation: '100.0' });
    expect(read.members.find((m: { userId: string }) => m.userId === capped.id).spent).toBe('20.00');
    const alerts = (await t.api('GET', `/v1/budgets/${shared.id}/alerts`, { key: owner.key })).body.items;
    expect(alerts.map((a: { threshold: number }) => a.threshold)).toEqual([50, 75, 90, 95]);
    const audit = await t.api('GET', '/v1/ledger/audit', { key: t.adminKey });
    expect(audit.body.sumOfBalances).toBe('0.00');
  });
});
