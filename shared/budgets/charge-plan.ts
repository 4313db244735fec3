import { formatFtns, type Micro } from '#platform/money.js';
import { hasKey, own } from '#platform/records.js';
import { type Budget, periodKeyOf, remainingOf } from './budget.js';
import {
  BudgetClosedError,
  BudgetExceededError,
  BudgetNotFoundError,
  BudgetSuspendedError,
} from './errors.js';
import { crossedThresholds, untilNextAlert } from './thresholds.js';

/** A spend against a budget: by a member, in a category. */
export interface BudgetChargeInput {
  budgetId: string;
  memberId: string;
  category: string;
  amount: Micro;
  /** The part of the budget's reservation this charge uses up (a workflow phase paid from its hold). */
  fromReserved?: Micro;
}

/**
 * What a charge will do to its budget, decided from the budget as read. The common charge needs
 * no read (the `fast` plan: its conditions hold unless it crosses an alert level, needs an
 * expansion, or the period rolled over); the others are planned from the state that the failed
 * fast attempt returned, and written on condition that the budget is unchanged since.
 */
export type ChargePlan =
  | { kind: 'fast'; periodKey: string }
  | {
      kind: 'informed';
      from: Budget;
      periodKey: string;
      /** The period rolled over: the figures restart from zero (the old ones are kept as history). */
      reset: boolean;
      spentBefore: Micro;
      spent: Micro;
      reserved: Micro;
      limitBefore: Micro;
      limit: Micro;
      remaining: Micro;
      expansionHeadroom: Micro;
      untilNextAlert: Micro;
      crossed: number[];
      suspend: boolean;
      categorySpent: Micro;
      memberSpent: Micro;
    };

export const alertLevels = (budget: Pick<Budget, 'alertThresholds' | 'suspendAtPercent'>): number[] =>
  budget.suspendAtPercent === null
    ? budget.alertThresholds
    : [...budget.alertThresholds, budget.suspendAtPercent];

export function planCharge(input: BudgetChargeInput, budget: Budget | undefined, now: Date): ChargePlan {
  if (!budget) return { kind: 'fast', periodKey: 'unknown' };
  if (!hasKey(budget.members, input.memberId)) throw new BudgetNotFoundError();
  if (budget.status === 'closed') throw new BudgetClosedError();
  if (budget.status === 'suspended') throw new BudgetSuspendedError();

  const periodKey = periodKeyOf(budget.period, now);
  const reset = periodKey !== budget.periodKey;
  const spentBefore = reset ? 0n : budget.spent;
  const limitBefore = reset ? budget.total : budget.limit;
  const categorySpentBefore = reset ? 0n : (own(budget.categorySpent, input.category) ?? 0n);
  const memberSpentBefore = reset ? 0n : (own(budget.memberSpent, input.memberId) ?? 0n);
  const { amount } = input;

  const cap = own(budget.members, input.memberId)?.cap ?? null;
  if (cap !== null && memberSpentBefore + amount > cap) {
    throw new BudgetExceededError(
      `This charge would take the member past their cap of ${formatFtns(cap)} FTNS`,
      memberSpentBefore + amount - cap,
    );
  }
  const category = own(budget.categories, input.category);
  if (category?.enforcement === 'hard' && categorySpentBefore + amount > category.allocation) {
    throw new BudgetExceededError(
      `This charge would take ${input.category} past its allocation of ${formatFtns(category.allocation)} FTNS`,
      categorySpentBefore + amount - category.allocation,
    );
  }

  const reserved = budget.reserved - (input.fromReserved ?? 0n);
  if (reserved < 0n) throw new Error(`budget ${budget.id} has less reserved than a charge uses`);
  const committed = spentBefore + reserved;
  let limit = limitBefore;
  if (committed + amount > limitBefore) {
    const ceiling = budget.total + budget.autoExpand.maxExpansion;
    // The original's rule: expand while spent + amount <= total + maxExpansion.
    if (!budget.autoExpand.enabled || committed + amount > ceiling) {
      throw new BudgetExceededError(
        'The budget cannot cover this charge',
        committed + amount - (budget.autoExpand.enabled ? ceiling : limitBefore),
      );
    }
    limit = ceiling;
  }
  const spent = spentBefore + amount;
  const levels = alertLevels(budget);
  const crossed = crossedThresholds(budget.alertThresholds, limit, spentBefore, spent);
  const suspend =
    budget.suspendAtPercent !== null &&
    crossedThresholds([budget.suspendAtPercent], limit, spentBefore, spent).length > 0;
  // Nothing special about this charge: the read-free plan's conditions will hold.
  if (!reset && limit === limitBefore && crossed.length === 0 && !suspend) return { kind: 'fast', periodKey };
  const remaining = remainingOf({ limit, spent, reserved });
  return {
    kind: 'informed',
    from: budget,
    periodKey,
    reset,
    spentBefore,
    spent,
    reserved,
    limitBefore,
    limit,
    remaining,
    expansionHeadroom: budget.autoExpand.enabled
      ? budget.total + budget.autoExpand.maxExpansion - spent - reserved
      : 0n,
    untilNextAlert: untilNextAlert(levels, limit, spent),
    crossed,
    suspend,
    categorySpent: categorySpentBefore + amount,
    memberSpent: memberSpentBefore + amount,
  };
}
