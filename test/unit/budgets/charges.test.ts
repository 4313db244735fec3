import { beforeEach, describe, expect, it } from 'vitest';
import type { Publish } from '#shared/budgets/alerts.js';
import { type Budget, budgetKey, budgetOf } from '#shared/budgets/budget.js';
import type { BudgetDeps } from '#shared/budgets/budget-deps.js';
import { budgetItem } from '#shared/budgets/budget-item.js';
import { chargeBudget, listCharges } from '#shared/budgets/charges.js';
import { BudgetExceededError, BudgetNotFoundError, BudgetSuspendedError } from '#shared/budgets/errors.js';
import { userKey } from '#shared/identity/users.js';
import { accountItemKey } from '#shared/ledger/account.js';
import { InsufficientFundsError } from '#shared/ledger/errors.js';
import { grant } from '#shared/ledger/transfers.js';
import type { PlatformEvent } from '#shared/notifications/event.js';
import { type MemoryTable, memoryTable } from '../../support/memory-table.js';
import { budgetWith, chargeOf, ftns } from './fixtures.js';

/**
 * A member's direct charge against the table in memory: the fast attempt, the re-plan from the
 * budget its failed condition returned, the period history and the alerts recorded after it.
 */
let table: MemoryTable;
let now: Date;
let deps: BudgetDeps;
let events: PlatformEvent[];
let publish: Publish;
const sleeps: number[] = [];

const stored = () => budgetOf(table.item(budgetKey('bud_1'))!);
const balance = (id: string) => table.item(accountItemKey(id))?.balance;
const alerts = () =>
  [...table.items.values()].filter((item) => item.type === 'budget-alert').map((item) => String(item.sk));

async function setUp(budget: Partial<Budget>, funds = 1_000) {
  table.put(budgetItem(budgetWith(budget)));
  for (const id of ['owner', 'ada']) table.put({ ...userKey(id), type: 'user', id });
  await grant(deps, { userId: 'owner', amount: ftns(funds) });
}

beforeEach(() => {
  table = memoryTable();
  now = new Date('2026-03-15T12:00:00.000Z');
  events = [];
  sleeps.length = 0;
  publish = async (event) => void events.push(event);
  deps = {
    table,
    clock: { now: () => now },
    retry: { attempts: 3, baseDelayMs: 10, sleep: async (ms) => void sleeps.push(ms) },
    publish: (event) => publish(event),
  };
});

describe('chargeBudget', () => {
  it('charges the member to revenue and adds to the budget in one transaction (the fast plan)', async () => {
    await setUp({});
    const charge = await chargeBudget(deps, { ...chargeOf(10), description: 'GPU hour' });
    expect(charge).toMatchObject({
      budgetId: 'bud_1',
      memberId: 'owner',
      category: 'compute',
      amount: ftns(10),
      description: 'GPU hour',
      source: 'charge',
      createdAt: now.toISOString(),
    });
    expect(balance('owner')).toBe(ftns(990));
    expect(stored()).toMatchObject({ spent: ftns(10), categorySpent: { compute: ftns(10) }, version: 8n });
    // The budget, the payer, a revenue shard, the two entries and the charge record.
    expect(table.transactions.at(-1)).toHaveLength(6);
    expect(table.item({ pk: 'BUDGET#bud_1', sk: `CHARGE#${charge.id}` })).toMatchObject({ amount: ftns(10) });
    expect(alerts()).toEqual([]);
    const listed = await listCharges(
      deps,
      'bud_1',
      { userId: 'owner', role: 'user', keyId: 'k' },
      { limit: 10 },
    );
    expect(listed.items).toEqual([charge]);
  });

  it('re-plans a charge that crosses a threshold and records the alert once, published', async () => {
    await setUp({ spent: ftns(45), memberSpent: { owner: ftns(45) }, categorySpent: { compute: ftns(45) } });
    const sent: string[] = [];
    const send = table.doc.send.bind(table.doc);
    table.doc.send = (async (command: object) => {
      sent.push(command.constructor.name);
      return send(command as never);
    }) as never;
    await chargeBudget(deps, chargeOf(10));
    // The failed fast attempt returned the budget: it is planned from that, with no read.
    expect(sent.slice(0, 2)).toEqual(['TransactWriteCommand', 'TransactWriteCommand']);
    expect(stored()).toMatchObject({ spent: ftns(55), version: 8n });
    expect(alerts()).toEqual(['ALERT#none#threshold#00050']);
    expect(events).toMatchObject([
      {
        type: 'budget.alert',
        subject: 'budget:bud_1',
        data: { threshold: 50, spent: '55.00', limit: '100.00' },
      },
    ]);
    expect(table.item({ pk: 'BUDGET#bud_1', sk: 'ALERT#none#threshold#00050' })).toHaveProperty(
      'publishedAt',
    );
  });

  it('expands the limit and records the expansion', async () => {
    await setUp({
      spent: ftns(95),
      alertThresholds: [],
      autoExpand: { enabled: true, maxExpansion: ftns(20) },
    });
    await chargeBudget(deps, chargeOf(10));
    expect(stored()).toMatchObject({ limit: ftns(120), spent: ftns(105) });
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['budget.expansion.approved', expect.objectContaining({ previousLimit: '100.00', limit: '120.00' })],
    ]);
  });

  it('suspends the budget at its suspension level and refuses the next charge', async () => {
    await setUp({ alertThresholds: [], suspendAtPercent: 80 });
    await chargeBudget(deps, chargeOf(80));
    expect(stored().status).toBe('suspended');
    expect(events.map((e) => [e.type, e.data.severity])).toEqual([['budget.suspended', 'emergency']]);
    await expect(chargeBudget(deps, chargeOf(1))).rejects.toBeInstanceOf(BudgetSuspendedError);
    expect(balance('owner')).toBe(ftns(920));
  });

  it('keeps the old period as history when a monthly budget starts a new month', async () => {
    await setUp({
      period: 'monthly',
      periodKey: '2026-02',
      spent: ftns(70),
      members: { owner: { cap: null }, ada: { cap: ftns(30) } },
      // `gone` left the budget during February: their spend is history too.
      memberSpent: { owner: ftns(40), ada: ftns(20), gone: ftns(10) },
      categories: { storage: { allocation: ftns(50), enforcement: 'hard' } },
      categorySpent: { compute: ftns(30), storage: ftns(25), data: ftns(15) },
    });
    await chargeBudget(deps, chargeOf(5));
    expect(stored()).toMatchObject({
      periodKey: '2026-03',
      spent: ftns(5),
      memberSpent: { owner: ftns(5), ada: 0n, gone: 0n },
      categorySpent: { compute: ftns(5), storage: 0n, data: 0n },
    });
    expect(table.item(budgetKey('bud_1'))).toMatchObject({
      'memberRoom#ada': ftns(30),
      'memberRoom#gone': 10n ** 24n,
      'categoryRoom#storage': ftns(50),
      'categoryRoom#data': 10n ** 24n,
    });
    expect(table.item({ pk: 'BUDGET#bud_1', sk: 'PERIOD#2026-02' })).toMatchObject({
      type: 'budget-period',
      spent: ftns(70),
      limit: ftns(100),
    });
  });

  it('refuses what the budget cannot cover, and a charge to a budget that does not exist, moving nothing', async () => {
    await setUp({ spent: ftns(95) });
    await expect(chargeBudget(deps, chargeOf(6))).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(chargeBudget(deps, { ...chargeOf(1), budgetId: 'bud_none' })).rejects.toBeInstanceOf(
      BudgetNotFoundError,
    );
    expect(balance('owner')).toBe(ftns(1_000));
    expect(stored()).toMatchObject({ spent: ftns(95), version: 7n });
  });

  it('refuses a charge the member cannot pay, leaving the budget as it was', async () => {
    await setUp({}, 5);
    await expect(chargeBudget(deps, chargeOf(6))).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(stored()).toMatchObject({ spent: 0n, version: 7n });
  });

  it('keeps a charge whose alert could not be published (the sweep publishes it later)', async () => {
    await setUp({ spent: ftns(45) });
    publish = async () => {
      throw new Error('queue unavailable');
    };
    await chargeBudget(deps, chargeOf(10));
    expect(stored().spent).toBe(ftns(55));
    const alert = table.item({ pk: 'BUDGET#bud_1', sk: 'ALERT#none#threshold#00050' })!;
    expect(alert).not.toHaveProperty('publishedAt');
    expect(alert.gsi3pk).toBe('UNPUBLISHED_ALERTS');
  });

  it('gives up with 503 when the budget keeps changing under the charge', async () => {
    await setUp({ spent: ftns(45) });
    // Every write of the budget by someone else between our read and our write: bump its version.
    const send = table.doc.send.bind(table.doc);
    table.doc.send = (async (command: unknown) => {
      const item = table.item(budgetKey('bud_1'))!;
      table.put({ ...item, version: (item.version as bigint) + 1n });
      return send(command as never);
    }) as never;
    await expect(chargeBudget(deps, chargeOf(10))).rejects.toThrow(
      'The budget is changing too fast, retry shortly',
    );
    expect(balance('owner')).toBe(ftns(1_000));
    // 16 plans, a jittered pause between two: growing with the attempt, up to 4 times the base.
    expect(sleeps).toHaveLength(15);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(10 * Math.min(i + 1, 4));
    });
  });
});
