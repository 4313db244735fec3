import type { Micro } from '#platform/money.js';
import type { TransactItem } from '#platform/transaction.js';
import { budgetKey, budgetOf, isMember } from './budget.js';
import {
  BudgetClosedError,
  BudgetExceededError,
  BudgetNotFoundError,
  BudgetSuspendedError,
} from './errors.js';

/**
 * Reservations: money set aside on a budget for work that will be charged later (a workflow's
 * estimate), counted against the limit until it is charged (a charge `fromReserved`) or
 * released. Legs of the caller's own transaction.
 */
export function reserveLeg(
  tableName: string,
  input: { budgetId: string; memberId: string; amount: Micro },
): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: budgetKey(input.budgetId),
      UpdateExpression:
        'SET reserved = reserved + :r, remaining = remaining - :r, expansionHeadroom = expansionHeadroom - :r, version = version + :one',
      ConditionExpression: '#status = :active AND remaining >= :r AND attribute_exists(members.#member)',
      ExpressionAttributeNames: { '#status': 'status', '#member': input.memberId },
      ExpressionAttributeValues: { ':r': input.amount, ':one': 1n, ':active': 'active' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Why a reservation was refused, from the budget its failed condition returned. */
export function reservationRefusal(
  item: Record<string, unknown> | undefined,
  memberId: string,
  amount: Micro,
): Error {
  if (!item) return new BudgetNotFoundError();
  const budget = budgetOf(item);
  if (!isMember(budget, memberId)) return new BudgetNotFoundError();
  if (budget.status === 'closed') return new BudgetClosedError();
  if (budget.status === 'suspended') return new BudgetSuspendedError();
  const remaining = budget.limit - budget.spent - budget.reserved;
  return new BudgetExceededError('The budget cannot reserve this estimate', amount - remaining);
}

export function releaseLeg(tableName: string, input: { budgetId: string; amount: Micro }): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: budgetKey(input.budgetId),
      UpdateExpression:
        'SET reserved = reserved - :r, remaining = remaining + :r, expansionHeadroom = expansionHeadroom + :r, version = version + :one',
      ConditionExpression: 'reserved >= :r',
      ExpressionAttributeValues: { ':r': input.amount, ':one': 1n },
    },
  };
}
