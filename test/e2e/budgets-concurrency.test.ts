import { beforeAll, describe, expect, it } from 'vitest';
import { budgetSteps } from '../support/budgets.js';
import { useRuntime } from '../support/runtime.js';

type Steps = ReturnType<typeof budgetSteps>;

/**
 * Concurrent charges on one budget, in a file of their own: the local AWS copies a table on
 * every transaction, so this load runs against a table that holds little else.
 */
const t = useRuntime(import.meta.filename);

let funded: Steps['funded'];
let createBudget: Steps['createBudget'];
let charge: Steps['charge'];
let budget: Steps['budget'];

beforeAll(() => {
  ({ funded, createBudget, charge, budget } = budgetSteps(t));
});

describe('Budgets: concurrency', () => {
  it('admits exactly 100 of 300 concurrent charges of 1.00 on a budget of 100, the capped member exactly 20, one alert per threshold', async () => {
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
