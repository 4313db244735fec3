import { describe, expect, it } from 'vitest';
import type { Budget } from '#shared/budgets/budget.js';
import { alertLevels, planCharge } from '#shared/budgets/charge-plan.js';
import {
  BudgetClosedError,
  BudgetExceededError,
  BudgetNotFoundError,
  BudgetSuspendedError,
} from '#shared/budgets/errors.js';
import { NO_THRESHOLD_AHEAD } from '#shared/budgets/thresholds.js';
import { budgetWith, chargeOf, ftns, NOW } from './fixtures.js';

describe('planCharge: refusals', () => {
  it.each([
    ['a non-member', budgetWith(), chargeOf(1, { memberId: 'stranger' }), BudgetNotFoundError, 'budget'],
    ['a closed budget', budgetWith({ status: 'closed' }), chargeOf(1), BudgetClosedError, 'closed'],
    [
      'a suspended budget',
      budgetWith({ status: 'suspended' }),
      chargeOf(1),
      BudgetSuspendedError,
      'suspended',
    ],
  ] as const)('refuses %s', (_, budget, charge, error, message) => {
    expect(() => planCharge(charge, budget, NOW)).toThrow(error);
    expect(() => planCharge(charge, budget, NOW)).toThrow(message);
  });

  it('checks membership before the status: a stranger learns nothing of a closed budget', () => {
    expect(() => planCharge(chargeOf(1, { memberId: 'x' }), budgetWith({ status: 'closed' }), NOW)).toThrow(
      BudgetNotFoundError,
    );
  });

  it.each([
    // [what, budget, charge, message]
    [
      'past the member cap',
      budgetWith({ members: { owner: { cap: ftns(10) } }, memberSpent: { owner: ftns(8) } }),
      chargeOf(2.5),
      'This charge would take the member past their cap of 10.00 FTNS (short by 0.50 FTNS)',
    ],
    [
      'past a hard category allocation',
      budgetWith({
        categories: { compute: { allocation: ftns(20), enforcement: 'hard' } },
        categorySpent: { compute: ftns(19) },
      }),
      chargeOf(3),
      'This charge would take compute past its allocation of 20.00 FTNS (short by 2.00 FTNS)',
    ],
    [
      'past the limit without expansion',
      budgetWith({ spent: ftns(90), reserved: ftns(5) }),
      chargeOf(7),
      'The budget cannot cover this charge (short by 2.00 FTNS)',
    ],
    [
      'past the expansion ceiling',
      budgetWith({ spent: ftns(95), autoExpand: { enabled: true, maxExpansion: ftns(10) } }),
      chargeOf(20),
      'The budget cannot cover this charge (short by 5.00 FTNS)',
    ],
  ] as const)('refuses a charge %s, naming the shortfall', (_, budget, charge, message) => {
    let thrown: unknown;
    try {
      planCharge(charge, budget, NOW);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BudgetExceededError);
    expect((thrown as Error).message).toBe(message);
  });

  it('refuses a charge that uses more of the reservation than the budget has reserved', () => {
    expect(() =>
      planCharge(chargeOf(5, { fromReserved: 5 }), budgetWith({ reserved: ftns(4) }), NOW),
    ).toThrow('budget bud_1 has less reserved than a charge uses');
  });
});

describe('planCharge: room that is exactly enough', () => {
  it.each([
    [
      'the member cap',
      budgetWith({ members: { owner: { cap: ftns(10) } }, memberSpent: { owner: ftns(8) } }),
      2,
    ],
    [
      'a hard category allocation',
      budgetWith({
        categories: { compute: { allocation: ftns(20), enforcement: 'hard' } },
        categorySpent: { compute: ftns(19) },
      }),
      1,
    ],
    ['the limit', budgetWith({ spent: ftns(40), reserved: ftns(59), alertThresholds: [] }), 1],
  ] as const)('admits a charge that reaches %s', (_, budget, amount) => {
    expect(planCharge(chargeOf(amount), budget, NOW).kind).toBe('fast');
  });

  it('lets a soft category go past its allocation', () => {
    const budget = budgetWith({
      categories: { compute: { allocation: ftns(1), enforcement: 'soft' } },
      categorySpent: { compute: ftns(1) },
      alertThresholds: [],
    });
    expect(planCharge(chargeOf(30), budget, NOW)).toEqual({ kind: 'fast', periodKey: 'none' });
  });

  it('counts only the spend of the charged category and member against their room', () => {
    const budget = budgetWith({
      members: { owner: { cap: ftns(10) }, other: { cap: null } },
      memberSpent: { other: ftns(50) },
      categories: { compute: { allocation: ftns(10), enforcement: 'hard' } },
      categorySpent: { storage: ftns(50) },
      spent: ftns(50),
      alertThresholds: [],
    });
    expect(planCharge(chargeOf(10), budget, NOW).kind).toBe('fast');
  });

  it('admits a charge paid from the reservation that the limit alone would not cover', () => {
    const budget = budgetWith({ spent: ftns(60), reserved: ftns(40), alertThresholds: [] });
    expect(planCharge(chargeOf(30, { fromReserved: 30 }), budget, NOW).kind).toBe('fast');
    expect(() => planCharge(chargeOf(31, { fromReserved: 30 }), budget, NOW)).toThrow(BudgetExceededError);
  });
});

describe('planCharge: the fast plan', () => {
  it('is the plan of an unknown budget (the write finds out)', () => {
    expect(planCharge(chargeOf(1), undefined, NOW)).toEqual({ kind: 'fast', periodKey: 'unknown' });
  });

  it('is the plan of a charge that crosses nothing, with the current period', () => {
    const monthly = budgetWith({ period: 'monthly', periodKey: '2026-03', spent: ftns(10) });
    expect(planCharge(chargeOf(5), monthly, NOW)).toEqual({ kind: 'fast', periodKey: '2026-03' });
  });

  it('stays fast when a charge stops just below a threshold', () => {
    expect(planCharge(chargeOf(49.999999), budgetWith(), NOW).kind).toBe('fast');
  });
});

const informed = (budget: Budget, charge: ReturnType<typeof chargeOf>) => {
  const plan = planCharge(charge, budget, NOW);
  if (plan.kind !== 'informed') throw new Error(`expected an informed plan, got ${plan.kind}`);
  return plan;
};

describe('planCharge: the informed plan', () => {
  it('crosses the thresholds a charge reaches, and measures the way to the next', () => {
    const budget = budgetWith({ spent: ftns(40) });
    expect(informed(budget, chargeOf(40))).toEqual({
      kind: 'informed',
      from: budget,
      periodKey: 'none',
      reset: false,
      spentBefore: ftns(40),
      spent: ftns(80),
      reserved: 0n,
      limitBefore: ftns(100),
      limit: ftns(100),
      remaining: ftns(20),
      expansionHeadroom: 0n,
      untilNextAlert: ftns(10),
      crossed: [50, 75],
      suspend: false,
      categorySpent: ftns(40),
      memberSpent: ftns(40),
    });
  });

  it('crosses a threshold reached exactly, and has no alert ahead past the last one', () => {
    const plan = informed(budgetWith({ spent: ftns(80) }), chargeOf(10));
    expect(plan.crossed).toEqual([90]);
    expect(plan.untilNextAlert).toBe(NO_THRESHOLD_AHEAD);
  });

  it('suspends the budget when a charge reaches the suspension level, which also bounds the next alert', () => {
    const budget = budgetWith({ suspendAtPercent: 80, spent: ftns(70) });
    expect(informed(budget, chargeOf(5))).toMatchObject({
      crossed: [75],
      suspend: false,
      untilNextAlert: ftns(5),
    });
    const reaching = informed(budget, chargeOf(10));
    expect(reaching).toMatchObject({ crossed: [75], suspend: true, untilNextAlert: ftns(10) });
  });

  it('plans a suspension alone (no alert threshold crossed)', () => {
    const plan = informed(budgetWith({ alertThresholds: [], suspendAtPercent: 30 }), chargeOf(30));
    expect(plan).toMatchObject({ crossed: [], suspend: true });
  });

  it('expands the limit to the ceiling when the charge needs it', () => {
    const budget = budgetWith({
      spent: ftns(95),
      reserved: ftns(2),
      alertThresholds: [],
      autoExpand: { enabled: true, maxExpansion: ftns(10) },
    });
    expect(informed(budget, chargeOf(10))).toMatchObject({
      limitBefore: ftns(100),
      limit: ftns(110),
      spent: ftns(105),
      remaining: ftns(3),
      expansionHeadroom: ftns(3),
      crossed: [],
    });
  });

  it('expands up to the ceiling exactly, and refuses a micro-FTNS more', () => {
    const budget = budgetWith({
      spent: ftns(95),
      alertThresholds: [],
      autoExpand: { enabled: true, maxExpansion: ftns(10) },
    });
    expect(informed(budget, chargeOf(15))).toMatchObject({
      limit: ftns(110),
      remaining: 0n,
      expansionHeadroom: 0n,
    });
    expect(() => planCharge(chargeOf(15.000001), budget, NOW)).toThrow('(short by 0.000001 FTNS)');
  });

  it('keeps the expansion headroom on a budget that expands but did not need to', () => {
    const budget = budgetWith({ spent: ftns(40), autoExpand: { enabled: true, maxExpansion: ftns(10) } });
    expect(informed(budget, chargeOf(20))).toMatchObject({ limit: ftns(100), expansionHeadroom: ftns(50) });
  });

  it('takes the reservation a charge uses out of reserved', () => {
    const plan = informed(
      budgetWith({ spent: ftns(40), reserved: ftns(30) }),
      chargeOf(20, { fromReserved: 15 }),
    );
    expect(plan).toMatchObject({ reserved: ftns(15), spent: ftns(60), remaining: ftns(25) });
  });

  it('adds to what the category and the member had spent', () => {
    const budget = budgetWith({
      spent: ftns(45),
      categorySpent: { compute: ftns(30), storage: ftns(15) },
      memberSpent: { owner: ftns(45) },
    });
    expect(informed(budget, chargeOf(10))).toMatchObject({ categorySpent: ftns(40), memberSpent: ftns(55) });
  });
});

describe('planCharge: a new period', () => {
  const lastMonth = budgetWith({
    period: 'monthly',
    periodKey: '2026-02',
    total: ftns(100),
    limit: ftns(110),
    spent: ftns(95),
    reserved: ftns(3),
    members: { owner: { cap: ftns(50) } },
    memberSpent: { owner: ftns(50) },
    categories: { compute: { allocation: ftns(40), enforcement: 'hard' } },
    categorySpent: { compute: ftns(40) },
    autoExpand: { enabled: true, maxExpansion: ftns(10) },
  });

  it('starts the figures again from zero and the limit from the total', () => {
    expect(informed(lastMonth, chargeOf(30))).toMatchObject({
      periodKey: '2026-03',
      reset: true,
      spentBefore: 0n,
      spent: ftns(30),
      limitBefore: ftns(100),
      limit: ftns(100),
      reserved: ftns(3),
      remaining: ftns(67),
      categorySpent: ftns(30),
      memberSpent: ftns(30),
      crossed: [],
    });
  });

  it('is informed even for a charge that crosses nothing', () => {
    expect(informed(lastMonth, chargeOf(1)).reset).toBe(true);
  });

  it('gives the member and the category their whole room again', () => {
    expect(() => informed(lastMonth, chargeOf(40))).not.toThrow();
    expect(() => planCharge(chargeOf(40.000001), lastMonth, NOW)).toThrow('past its allocation');
  });

  it('keeps a budget without a period in its one period', () => {
    const forever = budgetWith({ spent: ftns(10) });
    expect(planCharge(chargeOf(1), forever, new Date('2030-01-01T00:00:00Z'))).toEqual({
      kind: 'fast',
      periodKey: 'none',
    });
  });
});

describe('alertLevels', () => {
  it('adds the suspension level to the alert thresholds when there is one', () => {
    expect(alertLevels({ alertThresholds: [50, 90], suspendAtPercent: 95 })).toEqual([50, 90, 95]);
    expect(alertLevels({ alertThresholds: [50, 90], suspendAtPercent: null })).toEqual([50, 90]);
  });
});
