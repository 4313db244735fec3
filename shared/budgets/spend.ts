import type { Principal } from '#platform/http/principal.js';
import type { Micro } from '#platform/money.js';
import { type Page, pageInMemory } from '#platform/pagination.js';
import { queryAll } from '#platform/query-page.js';
import { budgetKey } from './budget.js';
import type { BudgetDeps } from './budget-deps.js';
import { getBudget } from './budgets.js';

/**
 * A budget's spend over time: its charge records (refunds are negative ones) summed per UTC day
 * or hour. Buckets with no charge are left out; they come oldest first, so a chart reads left to
 * right. The charge records add up to `spent`, so the buckets of a period do too.
 */
export type SpendInterval = 'day' | 'hour';

export interface SpendBucket {
  /** The bucket's first instant, ISO 8601 UTC (`2026-03-01T00:00:00.000Z`). */
  start: string;
  amount: Micro;
  charges: number;
}

/** The start of the UTC day or hour that `createdAt` (ISO 8601 UTC) falls in. */
export function bucketStart(createdAt: string, interval: SpendInterval): string {
  const date = new Date(createdAt);
  if (interval === 'day') date.setUTCHours(0, 0, 0, 0);
  else date.setUTCMinutes(0, 0, 0);
  return date.toISOString();
}

export function spendBuckets(
  charges: Iterable<{ amount: Micro; createdAt: string }>,
  interval: SpendInterval,
): SpendBucket[] {
  const buckets = new Map<string, SpendBucket>();
  for (const charge of charges) {
    const start = bucketStart(charge.createdAt, interval);
    const bucket = buckets.get(start) ?? { start, amount: 0n, charges: 0 };
    bucket.amount += charge.amount;
    bucket.charges += 1;
    buckets.set(start, bucket);
  }
  return [...buckets.values()];
}

/** One page of buckets (the cursor is the last bucket's start). */
export function spendPage(
  charges: Iterable<{ amount: Micro; createdAt: string }>,
  interval: SpendInterval,
  page: { limit: number; cursor?: string | undefined },
): Page<SpendBucket> {
  return pageInMemory(spendBuckets(charges, interval), (bucket) => bucket.start, page);
}

/**
 * The members' (and admins') view. It reads the budget's charge records whole and pages the
 * buckets: a budget's partition is bounded by its charges, and one read keeps the sums exact.
 */
export async function budgetSpend(
  deps: BudgetDeps,
  budgetId: string,
  principal: Principal,
  query: { interval: SpendInterval; limit: number; cursor?: string | undefined },
): Promise<Page<SpendBucket>> {
  await getBudget(deps, budgetId, principal);
  const charges = await queryAll(
    deps.table,
    {
      partitionKeyName: 'pk',
      partitionKey: budgetKey(budgetId).pk,
      sortKeyCondition: { expression: 'begins_with(sk, :charge)', values: { ':charge': 'CHARGE#' } },
    },
    (item) => ({ amount: BigInt(item.amount as bigint), createdAt: String(item.createdAt) }),
  );
  return spendPage(charges, query.interval, query);
}
