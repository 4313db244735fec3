import type { Micro } from '#platform/money.js';
import { own } from '#platform/records.js';
import type { TransactItem } from '#platform/transaction.js';
import { updateExpression } from '#platform/update-expression.js';
import {
  budgetKey,
  categoryRoomAttr,
  categorySpentAttr,
  memberRoomAttr,
  memberSpentAttr,
  periodKeyOf,
  UNBOUNDED,
} from './budget.js';
import type { BudgetChargeInput, ChargePlan } from './charge-plan.js';

/**
 * The budget's leg of a charge transaction. The fast leg adds to the running figures under
 * conditions that hold for every charge that crosses nothing; the informed leg writes figures
 * computed from the budget as read, on condition that its version is unchanged.
 */
export function budgetChargeLeg(
  tableName: string,
  input: BudgetChargeInput,
  plan: ChargePlan,
  now: Date,
): TransactItem {
  const names = {
    '#status': 'status',
    '#cs': categorySpentAttr(input.category),
    '#cr': categoryRoomAttr(input.category),
    '#ms': memberSpentAttr(input.memberId),
    '#mr': memberRoomAttr(input.memberId),
    '#member': input.memberId,
  };
  const fromReserved = input.fromReserved ?? 0n;
  const common = {
    TableName: tableName,
    Key: budgetKey(input.budgetId),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  if (plan.kind === 'fast') {
    return {
      Update: {
        ...common,
        UpdateExpression:
          'SET spent = spent + :a, reserved = reserved - :r, remaining = remaining - :a + :r, ' +
          'untilNextAlert = untilNextAlert - :a, expansionHeadroom = expansionHeadroom - :a + :r, ' +
          'version = version + :one, updatedAt = :now, ' +
          '#cs = if_not_exists(#cs, :zero) + :a, #cr = if_not_exists(#cr, :unbounded) - :a, ' +
          '#ms = if_not_exists(#ms, :zero) + :a, #mr = if_not_exists(#mr, :unbounded) - :a',
        ConditionExpression:
          '#status = :active AND periodKey IN (:none, :month) AND remaining >= :need AND reserved >= :r ' +
          'AND untilNextAlert > :a ' +
          'AND attribute_exists(members.#member) AND (attribute_not_exists(#cr) OR #cr >= :a) ' +
          'AND (attribute_not_exists(#mr) OR #mr >= :a)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':a': input.amount,
          ':r': fromReserved,
          // Reserved money was already counted against the limit: only the excess needs room.
          ':need': input.amount > fromReserved ? input.amount - fromReserved : 0n,
          ':one': 1n,
          ':zero': 0n,
          ':unbounded': UNBOUNDED,
          ':active': 'active',
          ':none': 'none',
          ':month': periodKeyOf('monthly', now),
          ':now': now.toISOString(),
        },
      },
    };
  }

  const { from } = plan;
  const { '#member': _unused, ...rest } = names;
  const informedNames: Record<string, string> = { ...rest, '#limit': 'limit' };
  const category = own(from.categories, input.category);
  const cap = own(from.members, input.memberId)?.cap ?? null;
  const values: Record<string, unknown> = {
    ':v': from.version,
    ':one': 1n,
    ':now': now.toISOString(),
    ':spent': plan.spent,
    ':reserved': plan.reserved,
    ':remaining': plan.remaining,
    ':limit': plan.limit,
    ':until': plan.untilNextAlert,
    ':eh': plan.expansionHeadroom,
    ':status': plan.suspend ? 'suspended' : 'active',
    ':period': plan.periodKey,
    ':cs': plan.categorySpent,
    ':cr':
      category?.enforcement === 'hard'
        ? category.allocation - plan.categorySpent
        : UNBOUNDED - plan.categorySpent,
    ':ms': plan.memberSpent,
    ':mr': (cap ?? UNBOUNDED) - plan.memberSpent,
  };
  const sets = [
    'spent = :spent',
    'reserved = :reserved',
    'remaining = :remaining',
    '#limit = :limit',
    'untilNextAlert = :until',
    'expansionHeadroom = :eh',
    '#status = :status',
    'periodKey = :period',
    'version = version + :one',
    'updatedAt = :now',
    '#cs = :cs',
    '#cr = :cr',
    '#ms = :ms',
    '#mr = :mr',
  ];
  if (plan.reset) {
    // A new period: every other category and member starts again from zero.
    resetOthers(from.categorySpent, input.category, (slug, i) => {
      const config = own(from.categories, slug);
      const allocation = config?.enforcement === 'hard' ? config.allocation : UNBOUNDED;
      sets.push(`#rcs${i} = :zero`, `#rcr${i} = :rcr${i}`);
      Object.assign(informedNames, {
        [`#rcs${i}`]: categorySpentAttr(slug),
        [`#rcr${i}`]: categoryRoomAttr(slug),
      });
      values[`:rcr${i}`] = allocation;
    });
    resetOthers(from.memberSpent, input.memberId, (userId, i) => {
      sets.push(`#rms${i} = :zero`, `#rmr${i} = :rmr${i}`);
      Object.assign(informedNames, {
        [`#rms${i}`]: memberSpentAttr(userId),
        [`#rmr${i}`]: memberRoomAttr(userId),
      });
      values[`:rmr${i}`] = own(from.members, userId)?.cap ?? UNBOUNDED;
    });
    values[':zero'] = 0n;
  }
  return {
    Update: {
      ...common,
      UpdateExpression: updateExpression({ set: sets }),
      ConditionExpression: 'version = :v',
      ExpressionAttributeNames: informedNames,
      ExpressionAttributeValues: values,
    },
  };
}

function resetOthers(
  spent: Record<string, Micro>,
  except: string,
  each: (key: string, index: number) => void,
): void {
  Object.keys(spent)
    .filter((key) => key !== except)
    .forEach(each);
}
