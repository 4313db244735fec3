import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Micro } from '#platform/money.js';
import { type Publish, recordAlert, thresholdAlert } from './alerts.js';
import { type Budget, budgetKey, budgetOf } from './budget.js';
import type { BudgetDeps } from './budget-deps.js';
import { BUDGET_INDEX_SHARDS } from './budget-item.js';
import { crossedThresholds } from './thresholds.js';

export interface BudgetDrift {
  budgetId: string;
  spent: Micro;
  /** What the budget's charge records of the current period add up to. */
  ledger: Micro;
}

export interface BudgetAudit {
  budgets: number;
  drift: BudgetDrift[];
  /** Threshold alerts that a crash between a charge and its alert had skipped, now recorded. */
  repairedAlerts: number;
}

async function queryAll(
  deps: Pick<BudgetDeps, 'table'>,
  input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>,
) {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.table.doc.send(
      new QueryCommand({ ...input, TableName: deps.table.name, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function allBudgets(deps: Pick<BudgetDeps, 'table'>): Promise<Budget[]> {
  const shards = await Promise.all(
    Array.from({ length: BUDGET_INDEX_SHARDS }, (_, shard) =>
      queryAll(deps, {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `BUDGETS#${shard}` },
      }),
    ),
  );
  return shards.flat().map(budgetOf);
}

/** The sum of a budget's charge records in its current period (refunds count negative). */
async function chargedInPeriod(deps: Pick<BudgetDeps, 'table'>, budget: Budget): Promise<Micro> {
  const charges = await queryAll(deps, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :charge)',
    ExpressionAttributeValues: { ':pk': budgetKey(budget.id).pk, ':charge': 'CHARGE#' },
    ProjectionExpression: 'amount, #source, createdAt',
    ExpressionAttributeNames: { '#source': 'source' },
  });
  return charges
    .filter((charge) => budget.period === 'none' || String(charge.createdAt).slice(0, 7) === budget.periodKey)
    .reduce((sum, charge) => {
      const amount = BigInt(charge.amount as bigint);
      return charge.source === 'refund' ? sum - (amount < 0n ? -amount : amount) : sum + amount;
    }, 0n);
}

/**
 * A budget read, then its charges: a charge committed in between looks like drift. So a
 * mismatch is read again, budget and charges both, before it is reported.
 */
async function driftOf(
  deps: Pick<BudgetDeps, 'table'>,
  first: Budget,
  attempts = 3,
): Promise<BudgetDrift | undefined> {
  let budget = first;
  for (let attempt = 1; ; attempt++) {
    const ledger = await chargedInPeriod(deps, budget);
    if (ledger === budget.spent) return undefined;
    if (attempt >= attempts) return { budgetId: budget.id, spent: budget.spent, ledger };
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { Item } = await deps.table.doc.send(
      new GetCommand({ TableName: deps.table.name, Key: budgetKey(budget.id), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    budget = budgetOf(Item);
  }
}

/**
 * Every budget's spent against its charge records, and the threshold alerts its figures call
 * for (recorded when missing: the put is conditional, so an existing alert is left alone).
 * It reads every charge record: see docs/budgets.md for how this stays bounded as they grow.
 */
export async function auditBudgets(
  deps: Pick<BudgetDeps, 'table' | 'clock'>,
  repair?: Publish,
): Promise<BudgetAudit> {
  const budgets = await allBudgets(deps);
  const drift: BudgetDrift[] = [];
  let repairedAlerts = 0;
  for (const budget of budgets) {
    const found = await driftOf(deps, budget);
    if (found) drift.push(found);
    if (!repair) continue;
    for (const threshold of crossedThresholds(budget.alertThresholds, budget.limit, -1n, budget.spent)) {
      const alert = thresholdAlert(
        budget.id,
        budget.periodKey,
        threshold,
        budget.spent,
        budget.limit,
        deps.clock.now(),
      );
      if ((await recordAlert(deps.table, repair, alert)) === 'recorded') repairedAlerts++;
    }
  }
  return { budgets: budgets.length, drift, repairedAlerts };
}
