import type { Micro } from '#platform/money.js';
import type { TransactItem } from '#platform/transaction.js';
import {
  type Budget,
  budgetKey,
  categoryRoomAttr,
  categorySpentAttr,
  memberRoomAttr,
  memberSpentAttr,
  periodKeyOf,
} from './budget.js';
import { type Charge, chargeRecordPut } from './charges.js';

/**
 * A refund credits a charge back to its budget: the inverse of the fast charge leg. It lowers
 * `spent` and the category's and member's spent, and gives the room back to every headroom
 * attribute (so `untilNextAlert` again measures the way to the next threshold not yet crossed;
 * alerts already recorded in the period stay recorded). Written with a negative charge record
 * (`source: 'refund'`), so the charge records still add up to `spent`.
 *
 * Only a charge of the budget's current period can be credited back: a closed period's figures
 * are history (its `PERIOD#` item), so `refundablePeriod` says whether there is anything to do.
 */
export interface BudgetRefundInput {
  budgetId: string;
  memberId: string;
  category: string;
  amount: Micro;
  /** The period the original charge fell in, which must still be the budget's current one. */
  periodKey: string;
}

/** The period of a charge made at `chargedAt`, when it is still the budget's current one; else undefined. */
export function refundablePeriod(budget: Budget, chargedAt: Date, now: Date): string | undefined {
  const charged = periodKeyOf(budget.period, chargedAt);
  return charged === periodKeyOf(budget.period, now) && charged === budget.periodKey ? charged : undefined;
}

export function budgetRefundLeg(tableName: string, input: BudgetRefundInput, now: Date): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: budgetKey(input.budgetId),
      UpdateExpression:
        'SET spent = spent - :a, remaining = remaining + :a, untilNextAlert = untilNextAlert + :a, ' +
        'expansionHeadroom = expansionHeadroom + :a, version = version + :one, updatedAt = :now, ' +
        '#cs = #cs - :a, #cr = #cr + :a, #ms = #ms - :a, #mr = #mr + :a',
      // The charge is in these figures: they cannot be lower than what it added to them.
      ConditionExpression: 'periodKey = :period AND spent >= :a AND #cs >= :a AND #ms >= :a',
      ExpressionAttributeNames: {
        '#cs': categorySpentAttr(input.category),
        '#cr': categoryRoomAttr(input.category),
        '#ms': memberSpentAttr(input.memberId),
        '#mr': memberRoomAttr(input.memberId),
      },
      ExpressionAttributeValues: {
        ':a': input.amount,
        ':one': 1n,
        ':now': now.toISOString(),
        ':period': input.periodKey,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** The refund's record under the budget: a negative charge that references what it reverses. */
export function refundRecordPut(
  tableName: string,
  refund: Omit<Charge, 'source' | 'amount'> & { amount: Micro },
): TransactItem {
  return chargeRecordPut(tableName, { ...refund, amount: -refund.amount, source: 'refund' });
}
