import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from '#platform/errors.js';
import { type Budget, budgetKey, budgetOf } from './budget.js';
import type { BudgetDeps } from './budget-deps.js';
import { BudgetChangedError, BudgetNotFoundError } from './errors.js';

/** How often a write planned from a budget may find it changed before giving up. */
export const MAX_BUDGET_PLANS = 16;

/**
 * The one concurrency rule for writes planned from a budget (charges, captures, refunds): run
 * `attempt` with the budget last seen (`undefined` first, for a read-free plan, unless `readFirst`);
 * when its budget leg's condition fails (`BudgetChangedError`), plan again from the budget the
 * failure returned — or, on a backend that does not return it, from a consistent read — after a
 * short jittered pause, at most MAX_BUDGET_PLANS times.
 */
export async function replanOnBudgetChange<T>(
  deps: Pick<BudgetDeps, 'table' | 'retry'>,
  budgetId: string,
  attempt: (seen: Budget | undefined) => Promise<T>,
  options: { readFirst?: boolean } = {},
): Promise<T> {
  let seen = options.readFirst ? await readBudget(deps, budgetId) : undefined;
  for (let plans = 1; ; plans++) {
    try {
      return await attempt(seen);
    } catch (error) {
      if (!(error instanceof BudgetChangedError)) throw error;
      const item = error.item ?? (await readBudgetItem(deps, budgetId));
      if (!item) throw new BudgetNotFoundError();
      if (plans >= MAX_BUDGET_PLANS)
        throw new UnavailableError('The budget is changing too fast, retry shortly');
      seen = budgetOf(item);
      // Many writers re-planning against one budget at once: spread them out a little.
      await deps.retry.sleep(Math.random() * deps.retry.baseDelayMs * Math.min(plans, 4));
    }
  }
}

async function readBudgetItem(deps: Pick<BudgetDeps, 'table'>, budgetId: string) {
  const { Item } = await deps.table.doc.send(
    new GetCommand({ TableName: deps.table.name, Key: budgetKey(budgetId), ConsistentRead: true }),
  );
  return Item;
}

async function readBudget(deps: Pick<BudgetDeps, 'table'>, budgetId: string): Promise<Budget | undefined> {
  const item = await readBudgetItem(deps, budgetId);
  return item && budgetOf(item);
}
