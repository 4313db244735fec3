import type { Principal } from '#platform/http/principal.js';
import type { Idempotency } from '#platform/idempotency.js';
import { logger } from '#platform/logger.js';
import type { Micro } from '#platform/money.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import { Transaction } from '#platform/transaction.js';
import { commitFreeingExpiredHolds } from '#shared/ledger/holds.js';
import { Posting } from '#shared/ledger/posting.js';
import { recordAlert, thresholdAlert } from './alerts.js';
import { type Budget, budgetKey } from './budget.js';
import type { BudgetDeps } from './budget-deps.js';
import { budgetChargeLeg } from './budget-leg.js';
import { getBudget } from './budgets.js';
import { type BudgetChargeInput, type ChargePlan, planCharge } from './charge-plan.js';
import { BudgetChangedError } from './errors.js';
import { replanOnBudgetChange } from './replan.js';

export interface Charge {
  id: string;
  budgetId: string;
  memberId: string;
  category: string;
  amount: Micro;
  description?: string;
  /** What the charge paid for: a direct charge, an order, a workflow phase. */
  source: 'charge' | 'order' | 'workflow' | 'refund' | 'hold';
  reference?: string;
  createdAt: string;
}

/** The record of a charge under its budget: the history, and what the audit sums. */
export function chargeRecordPut(tableName: string, charge: Charge) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: budgetKey(charge.budgetId).pk,
        sk: `CHARGE#${charge.id}`,
        type: 'budget-charge',
        ...charge,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * Commits `compose`'s legs (ledger, orders, ...) together with the budget's leg in one
 * transaction, then records any alert the charge crossed. The first attempt is the fast plan;
 * when its conditions fail, it is planned again from the budget and written on condition that
 * the budget is unchanged (`replanOnBudgetChange`).
 */
export function commitWithBudget<T>(
  deps: BudgetDeps,
  input: BudgetChargeInput & { payerId: string },
  compose: (tx: Transaction, now: Date) => T,
  idempotency?: Idempotency<T>,
): Promise<T> {
  return replanOnBudgetChange(deps, input.budgetId, async (seen) => {
    const now = deps.clock.now();
    const plan = planCharge(input, seen, now);
    const tx = new Transaction(deps.table).add(
      budgetChargeLeg(deps.table.name, input, plan, now),
      (item) => new BudgetChangedError(item),
    );
    if (plan.kind === 'informed' && plan.reset) tx.add(periodHistoryPut(deps.table.name, plan.from));
    const result = compose(tx, now);
    tx.idempotent(idempotency, result, now);
    await commitFreeingExpiredHolds(deps, tx, [input.payerId]);
    // The charge is done: a failure to record its alerts must not turn it into an error (the
    // client would see a failure for money that moved); the health sweep adds missing alerts.
    await recordChargeAlerts(deps, input.budgetId, plan, now).catch((error: unknown) =>
      logger.warn('charge alerts not recorded; the health sweep will add them', {
        budgetId: input.budgetId,
        error,
      }),
    );
    return result;
  });
}

/** The old period's figures, kept when a monthly budget starts a new month. */
function periodHistoryPut(tableName: string, budget: Budget) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: budgetKey(budget.id).pk,
        sk: `PERIOD#${budget.periodKey}`,
        type: 'budget-period',
        periodKey: budget.periodKey,
        limit: budget.limit,
        spent: budget.spent,
        categorySpent: budget.categorySpent,
        memberSpent: budget.memberSpent,
      },
    },
  };
}

/** The alerts a committed charge crossed (also used by charges that commit through the ledger, as workflow captures do). */
export async function recordChargeAlerts(
  deps: BudgetDeps,
  budgetId: string,
  plan: ChargePlan,
  now: Date,
): Promise<void> {
  if (plan.kind !== 'informed') return;
  for (const threshold of plan.crossed) {
    await recordAlert(
      deps.table,
      deps.publish,
      thresholdAlert(budgetId, plan.periodKey, threshold, plan.spent, plan.limit, now),
    );
  }
  if (plan.limit !== plan.limitBefore) {
    await recordAlert(
      deps.table,
      deps.publish,
      {
        ...thresholdAlert(budgetId, plan.periodKey, 0, plan.spent, plan.limit, now),
        kind: 'expansion',
        threshold: null,
        severity: 'warning',
        previousLimit: plan.limitBefore,
      },
      'auto',
    );
  }
  if (plan.suspend) {
    await recordAlert(
      deps.table,
      deps.publish,
      {
        ...thresholdAlert(
          budgetId,
          plan.periodKey,
          plan.from.suspendAtPercent ?? 0,
          plan.spent,
          plan.limit,
          now,
        ),
        kind: 'suspended',
        severity: 'emergency',
      },
      'charge',
    );
  }
}

/** A member's direct charge: their balance to `revenue`, the budget's figures up, in one transaction. */
export function chargeBudget(
  deps: BudgetDeps,
  input: BudgetChargeInput & { description?: string },
  idempotency?: Idempotency<Charge>,
): Promise<Charge> {
  return commitWithBudget(
    deps,
    { ...input, payerId: input.memberId },
    (tx, now) => {
      const posting = new Posting(now);
      const transfer = posting.move({
        from: input.memberId,
        to: 'revenue',
        amount: input.amount,
        reason: 'budget_charge',
        reference: input.budgetId,
      });
      const charge: Charge = {
        id: transfer.id,
        budgetId: input.budgetId,
        memberId: input.memberId,
        category: input.category,
        amount: input.amount,
        ...(input.description ? { description: input.description } : {}),
        source: 'charge',
        createdAt: transfer.createdAt,
      };
      posting.applyTo(tx, deps.table.name);
      tx.add(chargeRecordPut(deps.table.name, charge));
      return charge;
    },
    idempotency,
  );
}

/** A budget's charges, newest first, for its members (and admins). */
export async function listCharges(
  deps: BudgetDeps,
  budgetId: string,
  principal: Principal,
  page: { limit: number; cursor?: string },
): Promise<Page<Charge>> {
  await getBudget(deps, budgetId, principal);
  return queryPage(
    deps.table,
    {
      partitionKeyName: 'pk',
      partitionKey: budgetKey(budgetId).pk,
      sortKeyCondition: { expression: 'begins_with(sk, :charge)', values: { ':charge': 'CHARGE#' } },
      newestFirst: true,
    },
    page,
    (item) => ({
      id: String(item.id),
      budgetId,
      memberId: String(item.memberId),
      category: String(item.category),
      amount: BigInt(item.amount as bigint),
      ...(item.description ? { description: String(item.description) } : {}),
      source: item.source as Charge['source'],
      ...(item.reference ? { reference: String(item.reference) } : {}),
      createdAt: String(item.createdAt),
    }),
  );
}
