import { describe, expect, it } from 'vitest';
import { budgetOf } from '#shared/budgets/budget.js';
import { budgetItem } from '#shared/budgets/budget-item.js';
import {
  BudgetClosedError,
  BudgetExceededError,
  BudgetNotFoundError,
  BudgetSuspendedError,
} from '#shared/budgets/errors.js';
import { refundablePeriod, refundRecordPut } from '#shared/budgets/refund-leg.js';
import { reservationRefusal } from '#shared/budgets/reservations.js';
import {
  crossedThresholds,
  DEFAULT_THRESHOLDS,
  NO_THRESHOLD_AHEAD,
  severityOf,
  untilNextAlert,
} from '#shared/budgets/thresholds.js';
import { budgetWith, ftns } from './fixtures.js';

describe('refundablePeriod', () => {
  const monthly = budgetWith({ period: 'monthly', periodKey: '2026-03' });
  const march = new Date('2026-03-02T00:00:00Z');
  it.each([
    ['a charge of the current month', monthly, march, new Date('2026-03-31T23:59:59Z'), '2026-03'],
    ['a charge of last month', monthly, new Date('2026-02-28T23:59:59Z'), march, undefined],
    [
      'a charge of this month once the month is over',
      monthly,
      march,
      new Date('2026-04-01T00:00:00Z'),
      undefined,
    ],
    [
      'a charge of a month the budget has not started yet',
      budgetWith({ period: 'monthly', periodKey: '2026-02' }),
      march,
      march,
      undefined,
    ],
    [
      'any charge of a budget without a period',
      budgetWith(),
      new Date('2020-01-01T00:00:00Z'),
      march,
      'none',
    ],
  ] as const)('refunds %s: %s', (_, budget, chargedAt, now, expected) => {
    expect(refundablePeriod(budget, chargedAt, now)).toBe(expected);
  });
});

describe('refundRecordPut', () => {
  it('records a refund as a negative charge that names what it reverses', () => {
    const put = refundRecordPut('table', {
      id: 'rfd_1',
      budgetId: 'bud_1',
      memberId: 'owner',
      category: 'compute',
      amount: ftns(12),
      reference: 'ord_1',
      createdAt: '2026-03-15T12:00:00.000Z',
    }).Put!;
    expect(put.Item).toMatchObject({
      pk: 'BUDGET#bud_1',
      sk: 'CHARGE#rfd_1',
      type: 'budget-charge',
      amount: -ftns(12),
      source: 'refund',
      reference: 'ord_1',
    });
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
  });
});

describe('reservationRefusal', () => {
  const item = (overrides: Parameters<typeof budgetWith>[0]) => budgetItem(budgetWith(overrides));
  it.each([
    ['no budget', undefined, 'owner', BudgetNotFoundError],
    ['a stranger', item({}), 'stranger', BudgetNotFoundError],
    ['a closed budget', item({ status: 'closed' }), 'owner', BudgetClosedError],
    ['a suspended budget', item({ status: 'suspended' }), 'owner', BudgetSuspendedError],
    ['a budget without room', item({ spent: ftns(60), reserved: ftns(30) }), 'owner', BudgetExceededError],
  ] as const)('explains a refusal for %s', (_, budget, memberId, error) => {
    expect(reservationRefusal(budget, memberId, ftns(20))).toBeInstanceOf(error);
  });

  it('names how much the estimate is short by', () => {
    const refusal = reservationRefusal(
      budgetItem(budgetWith({ spent: ftns(60), reserved: ftns(30) })),
      'owner',
      ftns(20),
    );
    expect(refusal.message).toBe('The budget cannot reserve this estimate (short by 10.00 FTNS)');
  });
});

describe('Budget thresholds and items', () => {
  it('names the severity of each alert level as the original did', () => {
    expect(DEFAULT_THRESHOLDS.map(severityOf)).toEqual(['warning', 'warning', 'critical', 'emergency']);
    expect([89.9, 90, 94.9, 95, 100].map(severityOf)).toEqual([
      'warning',
      'critical',
      'critical',
      'emergency',
      'emergency',
    ]);
  });

  it('reads back the budget it was written from, through its item', () => {
    const budget = budgetWith({
      period: 'monthly',
      periodKey: '2026-03',
      spent: ftns(30),
      reserved: ftns(5),
      suspendAtPercent: 95,
      autoExpand: { enabled: true, maxExpansion: ftns(10) },
      categories: { compute: { allocation: ftns(20), enforcement: 'hard' } },
      categorySpent: { compute: ftns(10), storage: ftns(20) },
      members: { owner: { cap: ftns(25) }, ada: { cap: null } },
      memberSpent: { owner: ftns(20), ada: ftns(10) },
    });
    const item = budgetItem(budget);
    expect(budgetOf(item)).toEqual(budget);
    expect(item).toMatchObject({
      remaining: ftns(65),
      expansionHeadroom: ftns(75),
      untilNextAlert: ftns(20),
      'categoryRoom#compute': ftns(10),
      'categoryRoom#storage': 10n ** 24n - ftns(20),
      'memberRoom#owner': ftns(5),
      'memberRoom#ada': 10n ** 24n - ftns(10),
      gsi2sk: 'bud_1',
    });
    expect(item).toMatchObject({ pk: 'BUDGET#bud_1', sk: 'BUDGET', type: 'budget' });
    expect(item.gsi2pk).toMatch(/^BUDGETS#[0-3]$/);
    // The audit walks the shards: budgets spread over all of them.
    const shards = new Set(
      Array.from({ length: 40 }, (_, i) => budgetItem(budgetWith({ id: `bud_${i}` })).gsi2pk),
    );
    expect(shards.size).toBe(4);
  });

  it('reads a sparse item with its defaults: no thresholds, no suspension, no cap', () => {
    const { alertThresholds, suspendAtPercent, autoExpandEnabled, maxExpansion, reserved, ...item } =
      budgetItem(budgetWith({ members: { owner: { cap: null }, ada: { cap: null } } }));
    const budget = budgetOf({ ...item, members: { owner: {}, ada: { cap: null } } });
    expect(budget).toMatchObject({
      spent: 0n,
      reserved: 0n,
      alertThresholds: [],
      suspendAtPercent: null,
      members: { owner: { cap: null }, ada: { cap: null } },
      categories: {},
      autoExpand: { enabled: false, maxExpansion: 0n },
    });
  });

  it('refuses an item that is not a budget as written, naming its key', () => {
    expect(() => budgetOf({ pk: 'BUDGET#b', sk: 'BUDGET', id: 'b', total: null })).toThrow(
      /stored budget BUDGET#b\/BUDGET does not decode/,
    );
  });
});

describe('Thresholds', () => {
  it('crosses a level once: a charge from exactly the level does not cross it again', () => {
    expect(crossedThresholds([50, 75], ftns(100), ftns(49.999999), ftns(50))).toEqual([50]);
    expect(crossedThresholds([50, 75], ftns(100), ftns(50), ftns(60))).toEqual([]);
    expect(crossedThresholds([50, 75], ftns(100), ftns(40), ftns(80))).toEqual([50, 75]);
  });

  it('rounds a level up to a whole micro-FTNS', () => {
    // 33.3 % of 1 micro-FTNS short of 10 FTNS is 3.329999667: reached at 3.330000.
    expect(crossedThresholds([33.3], 9_999_999n, 3_329_999n, 3_330_000n)).toEqual([33.3]);
    expect(crossedThresholds([33.3], 9_999_999n, 0n, 3_329_999n)).toEqual([]);
  });

  it('measures the way to the nearest level ahead, whatever the order of the levels', () => {
    expect(untilNextAlert([50, 75, 90], ftns(100), ftns(10))).toBe(ftns(40));
    expect(untilNextAlert([90, 75, 50], ftns(100), ftns(10))).toBe(ftns(40));
    expect(untilNextAlert([90, 50, 75], ftns(100), ftns(50))).toBe(ftns(25));
    expect(untilNextAlert([50], ftns(100), ftns(50))).toBe(NO_THRESHOLD_AHEAD);
    expect(untilNextAlert([], ftns(100), 0n)).toBe(NO_THRESHOLD_AHEAD);
  });
});
