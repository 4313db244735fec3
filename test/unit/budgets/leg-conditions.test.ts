import { describe, expect, it } from 'vitest';
import type { TransactItem } from '#platform/transaction.js';
import { budgetItem } from '#shared/budgets/budget-item.js';
import { budgetChargeLeg } from '#shared/budgets/budget-leg.js';
import { planCharge } from '#shared/budgets/charge-plan.js';
import { budgetRefundLeg } from '#shared/budgets/refund-leg.js';
import { releaseLeg, reserveLeg } from '#shared/budgets/reservations.js';
import { conditionHolds, type Item } from '../../support/expressions.js';
import { budgetWith, chargeOf, ftns, NOW } from './fixtures.js';

/**
 * Each leg's condition is what protects the budget from a concurrent write made after the plan
 * was read: every clause must refuse the item that another write left.
 */
const holds = (leg: TransactItem, item: Item) => {
  const update = leg.Update!;
  return conditionHolds(item, update.ConditionExpression!, {
    names: update.ExpressionAttributeNames,
    values: update.ExpressionAttributeValues,
  });
};

const budget = budgetWith({
  spent: ftns(20),
  reserved: ftns(10),
  members: { owner: { cap: ftns(50) } },
  memberSpent: { owner: ftns(20) },
  categories: { compute: { allocation: ftns(40), enforcement: 'hard' } },
  categorySpent: { compute: ftns(20) },
});
const item = budgetItem(budget);

describe('The fast charge leg’s condition', () => {
  // Built in each test (not when the file is collected), so that the test is what runs the code.
  const fastLeg = () => {
    const charge = chargeOf(5, { fromReserved: 2 });
    return budgetChargeLeg('table', charge, planCharge(charge, budget, NOW), NOW);
  };

  it('holds for the budget the plan was made from', () => {
    expect(fastLeg().Update).toMatchObject({
      TableName: 'table',
      Key: { pk: 'BUDGET#bud_1', sk: 'BUDGET' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(holds(fastLeg(), item)).toBe(true);
  });

  it.each([
    ['a budget suspended meanwhile', { status: 'suspended' }],
    ['a budget of another period', { periodKey: '2026-02' }],
    ['too little room left (beyond what the reservation covers)', { remaining: ftns(2.999999) }],
    ['less reserved than the charge uses', { reserved: ftns(1.999999) }],
    ['a threshold within the charge', { untilNextAlert: ftns(5) }],
    ['a member removed meanwhile', { members: {} }],
    ['too little category room', { 'categoryRoom#compute': ftns(4.999999) }],
    ['too little member room', { 'memberRoom#owner': ftns(4.999999) }],
  ])('refuses %s', (_, change) => {
    expect(holds(fastLeg(), { ...item, ...change })).toBe(false);
  });

  it('lets the exact room and a period-less budget through', () => {
    expect(
      holds(fastLeg(), {
        ...item,
        remaining: ftns(3),
        'categoryRoom#compute': ftns(5),
        'memberRoom#owner': ftns(5),
      }),
    ).toBe(true);
    expect(holds(fastLeg(), { ...item, periodKey: '2026-03' })).toBe(true);
  });

  it('needs no room for a charge paid from its reservation in full', () => {
    const covered = chargeOf(5, { fromReserved: 5 });
    const fromReserve = budgetChargeLeg('table', covered, planCharge(covered, budget, NOW), NOW);
    expect(fromReserve.Update?.ExpressionAttributeValues?.[':need']).toBe(0n);
    expect(holds(fromReserve, { ...item, remaining: 0n })).toBe(true);
    const over = chargeOf(2, { fromReserved: 2 });
    expect(
      budgetChargeLeg('table', over, { kind: 'fast', periodKey: 'none' }, NOW).Update
        ?.ExpressionAttributeValues?.[':need'],
    ).toBe(0n);
  });

  it('finds no room attribute on a budget that never had one: no cap, no allocation', () => {
    const open = budgetItem(budgetWith());
    const plain = chargeOf(5);
    expect(holds(budgetChargeLeg('table', plain, planCharge(plain, budgetWith(), NOW), NOW), open)).toBe(
      true,
    );
  });
});

describe('The informed charge leg’s condition', () => {
  it('holds only for the version the plan was made from', () => {
    const crossing = chargeOf(30, { category: 'storage' });
    const plan = planCharge(crossing, budget, NOW);
    const leg = budgetChargeLeg('table', crossing, plan, NOW);
    expect(plan.kind).toBe('informed');
    expect(holds(leg, item)).toBe(true);
    expect(holds(leg, { ...item, version: 8n })).toBe(false);
  });
});

describe('The refund leg’s condition', () => {
  const refund = {
    budgetId: 'bud_1',
    memberId: 'owner',
    category: 'compute',
    amount: ftns(20),
    periodKey: 'none',
  };
  const refundLeg = () => budgetRefundLeg('table', refund, NOW);

  it('holds when the figures still include the charge, and returns the budget when it does not', () => {
    expect(holds(refundLeg(), item)).toBe(true);
    expect(refundLeg().Update?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it.each([
    ['a budget in another period', { periodKey: '2026-03' }],
    ['less spent than the refund', { spent: ftns(19) }],
    ['less spent in the category', { 'categorySpent#compute': ftns(19) }],
    ['less spent by the member', { 'memberSpent#owner': ftns(19) }],
  ])('refuses %s', (_, change) => {
    expect(holds(refundLeg(), { ...item, ...change })).toBe(false);
  });
});

describe('The reservation legs’ conditions', () => {
  it('reserves only on an active budget with the room, for a member', () => {
    const reserve = reserveLeg('table', { budgetId: 'bud_1', memberId: 'owner', amount: ftns(70) });
    expect(reserve.Update?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(holds(reserve, item)).toBe(true);
    expect(holds(reserve, { ...item, remaining: ftns(69.999999) })).toBe(false);
    expect(holds(reserve, { ...item, status: 'closed' })).toBe(false);
    expect(holds(reserve, { ...item, members: { ada: { cap: null } } })).toBe(false);
  });

  it('releases at most what is reserved', () => {
    const release = releaseLeg('table', { budgetId: 'bud_1', amount: ftns(10) });
    expect(holds(release, item)).toBe(true);
    expect(holds(release, { ...item, reserved: ftns(9.999999) })).toBe(false);
  });
});
