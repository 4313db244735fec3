import { beforeAll, describe, expect, it } from 'vitest';
import { budgetSteps } from '../support/budgets.js';
import { useRuntime } from '../support/runtime.js';

type Steps = ReturnType<typeof budgetSteps>;

/** The original's budget scenarios and the budget rules, through HTTP against the local AWS. */
const t = useRuntime(import.meta.filename);

let funded: Steps['funded'];
let createBudget: Steps['createBudget'];
let charge: Steps['charge'];
let budget: Steps['budget'];

beforeAll(() => {
  ({ funded, createBudget, charge, budget } = budgetSteps(t));
});

describe('Budget scenario 1: creation', () => {
  it('leaves 175.00 of 200 after spending 25 on model_inference', async () => {
    const owner = await funded();
    const created = await createBudget(owner.key, {
      name: 'Creation',
      total: '200',
      categories: {
        model_inference: { allocation: '100' },
        tool_execution: { allocation: '50' },
        marketplace: { allocation: '50' },
      },
    });
    expect((await charge(owner.key, created.id, '25', 'model_inference')).status).toBe(201);
    const read = await budget(owner.key, created.id);
    expect(read).toMatchObject({ total: '200.00', spent: '25.00', remaining: '175.00', utilisation: '12.5' });
    expect(read.categories.model_inference).toEqual({
      allocation: '100.00',
      enforcement: 'soft',
      spent: '25.00',
      utilisation: '25.0',
    });
  });
});

describe('Budget scenario 2: real-time tracking', () => {
  it('reports 10.0, 15.7, 30.3, 38.3 and 50.7 % after each of five charges, 76.00 spent', async () => {
    const owner = await funded();
    const created = await createBudget(owner.key, { name: 'Tracking', total: '150' });
    const steps: [string, string][] = [
      ['15.00', 'model_inference'],
      ['8.50', 'tool_execution'],
      ['22.00', 'model_inference'],
      ['12.00', 'marketplace'],
      ['18.50', 'model_inference'],
    ];
    const utilisation: string[] = [];
    for (const [amount, category] of steps) {
      expect((await charge(owner.key, created.id, amount, category)).status).toBe(201);
      utilisation.push((await budget(owner.key, created.id)).utilisation);
    }
    expect(utilisation).toEqual(['10.0', '15.7', '30.3', '38.3', '50.7']);
    expect(await budget(owner.key, created.id)).toMatchObject({ spent: '76.00', remaining: '74.00' });
    const charges = await t.api('GET', `/v1/budgets/${created.id}/charges`, { key: owner.key });
    expect(charges.body.items.map((c: { amount: string }) => c.amount)).toEqual([
      '18.50',
      '12.00',
      '22.00',
      '8.50',
      '15.00',
    ]);
    const alerts = await t.api('GET', `/v1/budgets/${created.id}/alerts`, { key: owner.key });
    expect(alerts.body.items).toEqual([
      expect.objectContaining({
        kind: 'threshold',
        threshold: 50,
        severity: 'warning',
        spent: '76.00',
        utilisation: '50.7',
      }),
    ]);
  });
});

describe('Budget scenario 3: automatic expansion', () => {
  it('admits 40 past a total of 50 by expanding to 125 (56.0 %), and refuses 100 more', async () => {
    const owner = await funded();
    const created = await createBudget(owner.key, {
      name: 'Expansion',
      total: '50',
      categories: { high_compute: { allocation: '25' } },
      autoExpand: { enabled: true, maxExpansion: '75' },
    });
    expect((await charge(owner.key, created.id, '30', 'high_compute')).status).toBe(201);
    expect((await budget(owner.key, created.id)).utilisation).toBe('60.0');
    expect((await charge(owner.key, created.id, '40', 'high_compute')).status).toBe(201);
    expect(await budget(owner.key, created.id)).toMatchObject({
      limit: '125.00',
      spent: '70.00',
      utilisation: '56.0',
    });
    const refused = await charge(owner.key, created.id, '100', 'high_compute');
    expect(refused.status).toBe(402);
    expect(refused.body.code).toBe('budget_exceeded');
    expect((await budget(owner.key, created.id)).spent).toBe('70.00');
    const alerts = (await t.api('GET', `/v1/budgets/${created.id}/alerts`, { key: owner.key })).body.items;
    expect(alerts.filter((a: { kind: string }) => a.kind === 'expansion')).toEqual([
      expect.objectContaining({ previousLimit: '50.00', limit: '125.00' }),
    ]);
  });
});

describe('Budget scenario 4: marketplace categories', () => {
  it('admits all five purchases: 270.96 spent, 90.3 %, categories 46.0 / 120.0 / 90.0 %', async () => {
    const owner = await funded();
    const created = await createBudget(owner.key, {
      name: 'Marketplace',
      total: '300',
      categories: {
        marketplace_datasets: { allocation: '100' },
        marketplace_models: { allocation: '150' },
        marketplace_compute: { allocation: '50' },
      },
    });
    for (const [amount, category] of [
      ['29.99', 'marketplace_datasets'],
      ['79.99', 'marketplace_models'],
      ['45.00', 'marketplace_compute'],
      ['15.99', 'marketplace_datasets'],
      ['99.99', 'marketplace_models'],
    ] as const) {
      expect((await charge(owner.key, created.id, amount, category)).status).toBe(201);
    }
    const read = await budget(owner.key, created.id);
    expect(read).toMatchObject({ spent: '270.96', utilisation: '90.3' });
    expect(read.categories.marketplace_datasets.utilisation).toBe('46.0');
    expect(read.categories.marketplace_models.utilisation).toBe('120.0');
    expect(read.categories.marketplace_compute.utilisation).toBe('90.0');
  });
});

describe('Budget scenario 5: several users', () => {
  const charges: [number, string][] = [
    [0, '25'],
    [1, '15'],
    [2, '75'],
    [0, '30'],
    [2, '45'],
  ];

  it('as separate budgets of 100, 50 and 500: 190.00 charged, 55.0 / 30.0 / 24.0 %, 45.00 / 35.00 / 380.00 left', async () => {
    const users = [await funded(), await funded(), await funded()];
    const budgets = [
      await createBudget(users[0]!.key, { name: 'researcher', total: '100' }),
      await createBudget(users[1]!.key, { name: 'student', total: '50' }),
      await createBudget(users[2]!.key, { name: 'enterprise', total: '500' }),
    ];
    for (const [who, amount] of charges) {
      expect((await charge(users[who]!.key, budgets[who].id, amount, 'model_inference')).status).toBe(201);
    }
    const read = await Promise.all(budgets.map((b, i) => budget(users[i]!.key, b.id)));
    expect(read.map((b) => b.utilisation)).toEqual(['55.0', '30.0', '24.0']);
    expect(read.map((b) => b.remaining)).toEqual(['45.00', '35.00', '380.00']);
    const total = read.reduce((sum, b) => sum + Number(b.spent.replace('.', '')), 0);
    expect(total).toBe(19000);
  });

  it('as one shared budget of 650 with member caps 100 / 50 / 500, refusing a charge past a cap', async () => {
    const [owner, student, enterprise] = [await funded(), await funded(), await funded()];
    const shared = await createBudget(owner.key, {
      name: 'Lab',
      total: '650',
      members: [
        { userId: student.id, cap: '50' },
        { userId: enterprise.id, cap: '500' },
      ],
    });
    const capped = await t.api('PUT', `/v1/budgets/${shared.id}/members/${owner.id}`, {
      key: owner.key,
      body: { cap: '100' },
    });
    expect(capped.status).toBe(200);
    const keyOf = [owner.key, student.key, enterprise.key];
    for (const [who, amount] of charges) {
      expect((await charge(keyOf[who]!, shared.id, amount, 'model_inference')).status).toBe(201);
    }
    const read = await budget(owner.key, shared.id);
    expect(read.spent).toBe('190.00');
    expect(read.members.map((m: { utilisation: string }) => m.utilisation)).toEqual(['55.0', '30.0', '24.0']);
    const overCap = await charge(student.key, shared.id, '35.01', 'model_inference');
    expect(overCap.status).toBe(402);
    expect(overCap.body.code).toBe('budget_exceeded');
    expect((await charge(student.key, shared.id, '35', 'model_inference')).status).toBe(201);
  });
});

describe('Budgets: who may do what', () => {
  it('hides a budget from non-members (404) and keeps changes to its owner (403)', async () => {
    const [owner, member, stranger] = [await funded(), await funded(), await funded()];
    const created = await createBudget(owner.key, {
      name: 'Private',
      total: '10',
      members: [{ userId: member.id }],
    });
    expect((await t.api('GET', `/v1/budgets/${created.id}`, { key: stranger.key })).status).toBe(404);
    expect((await charge(stranger.key, created.id, '1', 'x')).status).toBe(404);
    expect((await t.api('GET', `/v1/budgets/${created.id}/charges`, { key: stranger.key })).status).toBe(404);
    expect((await charge(member.key, created.id, '1', 'x')).status).toBe(201);
    expect(
      (await t.api('PATCH', `/v1/budgets/${created.id}`, { key: member.key, body: { total: '1000' } }))
        .status,
    ).toBe(403);
    expect((await t.api('DELETE', `/v1/budgets/${created.id}`, { key: member.key })).status).toBe(403);
    expect((await t.api('GET', `/v1/budgets/${created.id}`, { key: t.adminKey })).status).toBe(200);
    const mine = await t.api('GET', '/v1/budgets', { key: member.key });
    expect(mine.body.items.map((b: { id: string }) => b.id)).toEqual([created.id]);
  });

  it.each([
    [
      'a negative allocation',
      { model_inference: { allocation: '-5' } },
      'body.categories.model_inference.allocation',
    ],
    [
      'seven decimals',
      { model_inference: { allocation: '1.0000001' } },
      'body.categories.model_inference.allocation',
    ],
    [
      'an unknown field',
      { model_inference: { allocation: '5', colour: 'red' } },
      'body.categories.model_inference',
    ],
    ['a bad slug', { 'Model Inference': { allocation: '5' } }, 'body.categories.Model Inference'],
  ])('refuses %s in allocations with 422', async (_what, categories, path) => {
    const owner = await funded();
    const response = await t.api('POST', '/v1/budgets', {
      key: owner.key,
      body: { name: 'x', total: '10', categories },
    });
    expect(response.status).toBe(422);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('Budgets: suspension, hard categories, expansion requests, closing', () => {
  it('suspends at suspendAtPercent until the owner resumes it', async () => {
    const owner = await funded();
    const created = await createBudget(owner.key, { name: 'Guarded', total: '10', suspendAtPercent: 80 });
    expect((await charge(owner.key, created.id, '8', 'x')).status).toBe(201);
    const blocked = await charge(owner.key, created.id, '1', 'x');
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('budget_suspended');
    expect(
      (await t.api('PATCH', `/v1/budgets/${created.id}`, { key: owner.key, body: { status: 'active' } })).body
        .status,
    ).toBe('active');
    expect((await charge(owner.key, created.id, '1', 'x')).status).toBe(201);
  });

  it('enforces a hard category allocation while soft ones may run past theirs', async () => {
    const owner = await funded();
    const created = await createBudget(owner.key, {
      name: 'Split',
      total: '100',
      categories: { gpu: { allocation: '10', enforcement: 'hard' }, data: { allocation: '10' } },
    });
    expect((await charge(owner.key, created.id, '10', 'gpu')).status).toBe(201);
    expect((await charge(owner.key, created.id, '0.01', 'gpu')).status).toBe(402);
    expect((await charge(owner.key, created.id, '15', 'data')).status).toBe(201);
    expect((await budget(owner.key, created.id)).categories.data.utilisation).toBe('150.0');
  });

  it('raises the limit when the owner approves a member’s request, and lets a denied one change nothing', async () => {
    const [owner, member] = [await funded(), await funded()];
    const created = await createBudget(owner.key, {
      name: 'Grow',
      total: '10',
      members: [{ userId: member.id }],
    });
    const asked = await t.api('POST', `/v1/budgets/${created.id}/expansions`, {
      key: member.key,
      body: { amount: '5', reason: 'more GPU' },
    });
    expect(asked.status).toBe(201);
    expect(
      (
        await t.api('POST', `/v1/budgets/${created.id}/expansions/${asked.body.id}/approve`, {
          key: member.key,
        })
      ).status,
    ).toBe(403);
    const approved = await t.api('POST', `/v1/budgets/${created.id}/expansions/${asked.body.id}/approve`, {
      key: owner.key,
    });
    expect(approved.body.status).toBe('approved');
    expect((await budget(owner.key, created.id)).limit).toBe('15.00');
    const again = await t.api('POST', `/v1/budgets/${created.id}/expansions/${asked.body.id}/deny`, {
      key: owner.key,
    });
    expect(again.status).toBe(409);
  });

  it('refuses charges to a closed budget', async () => {
    const owner = await funded();
    const created = await createBudget(owner.key, { name: 'Done', total: '10' });
    expect((await t.api('DELETE', `/v1/budgets/${created.id}`, { key: owner.key })).body.status).toBe(
      'closed',
    );
    const refused = await charge(owner.key, created.id, '1', 'x');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('budget_closed');
  });

  it('refuses a charge the balance cannot cover with 402 insufficient_funds and leaves the budget as it was', async () => {
    const owner = await funded('1');
    const created = await createBudget(owner.key, { name: 'Poor', total: '100' });
    const refused = await charge(owner.key, created.id, '2', 'x');
    expect(refused.status).toBe(402);
    expect(refused.body.code).toBe('insufficient_funds');
    expect((await budget(owner.key, created.id)).spent).toBe('0.00');
  });
});

describe('Budgets: audit and repair', () => {
  it('reports a budget whose spent was altered in the table, and adds an alert a crash skipped', async () => {
    const owner = await funded();
    const created = await createBudget(owner.key, { name: 'Audited', total: '10' });
    expect((await charge(owner.key, created.id, '6', 'x')).status).toBe(201);
    // As if the process died between the charge and its alert: remove the alert, then drift the figures.
    const { DeleteCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await t.table.doc.send(
      new DeleteCommand({
        TableName: t.table.name,
        Key: { pk: `BUDGET#${created.id}`, sk: 'ALERT#none#threshold#00050' },
      }),
    );
    expect((await t.api('GET', `/v1/budgets/${created.id}/alerts`, { key: owner.key })).body.items).toEqual(
      [],
    );
    const sweep = await t.api('POST', '/v1/health/sweeps', { key: t.adminKey });
    const consistency = sweep.body.integrations.find(
      (c: { name: string }) => c.name === 'budgets-consistency',
    );
    expect(consistency.status).toBe('healthy');
    expect(consistency.detail).toContain('added 1 missing alert');
    expect(
      (await t.api('GET', `/v1/budgets/${created.id}/alerts`, { key: owner.key })).body.items,
    ).toHaveLength(1);

    await t.table.doc.send(
      new UpdateCommand({
        TableName: t.table.name,
        Key: { pk: `BUDGET#${created.id}`, sk: 'BUDGET' },
        UpdateExpression: 'SET spent = :s',
        ExpressionAttributeValues: { ':s': 7_000_000n },
      }),
    );
    const audit = await t.api('GET', '/v1/ledger/audit', { key: t.adminKey });
    expect(audit.body.budgetDrift).toEqual([{ budgetId: created.id, spent: '7.00', ledger: '6.00' }]);
    const after = await t.api('POST', '/v1/health/sweeps', { key: t.adminKey });
    const drift = after.body.integrations.find((c: { name: string }) => c.name === 'budgets-consistency');
    expect(drift.status).toBe('down');
    expect(drift.detail).toContain(created.id);
  });
});

describe('Budgets: estimates', () => {
  it('estimates a workflow at 112.90 split by phase category and says what covers it', async () => {
    const owner = await funded('100');
    const created = await createBudget(owner.key, {
      name: 'Estimated',
      total: '150',
      categories: { model_inference: { allocation: '20', enforcement: 'hard' } },
    });
    const response = await t.api('POST', '/v1/estimates', {
      key: owner.key,
      body: { budgetId: created.id, workflow: true },
    });
    expect(response.status).toBe(200);
    expect(response.body.total).toBe('112.90');
    expect(response.body.categories.model_inference).toMatchObject({
      estimate: '27.90',
      room: '20.00',
      covered: false,
    });
    expect(response.body.categories.agent_coordination).toMatchObject({ estimate: '28.90', covered: true });
    expect(response.body.covered).toEqual({ budget: true, categories: false, balance: false, all: false });
  });

  it('follows an admin price change', async () => {
    const owner = await funded();
    const created = await createBudget(owner.key, { name: 'Priced', total: '500' });
    const put = await t.api('PUT', '/v1/prices/SEAL', { key: t.adminKey, body: { price: '6.50' } });
    expect(put.status).toBe(200);
    expect((await t.api('PUT', '/v1/prices/SEAL', { key: owner.key, body: { price: '1' } })).status).toBe(
      403,
    );
    const response = await t.api('POST', '/v1/estimates', {
      key: owner.key,
      body: { budgetId: created.id, workflow: true },
    });
    expect(response.body.total).toBe('113.90');
    await t.api('PUT', '/v1/prices/SEAL', { key: t.adminKey, body: { price: '5.50' } });
  });
});
