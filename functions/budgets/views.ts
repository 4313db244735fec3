import { formatFtns, formatPercent } from '#platform/money.js';
import { own } from '#platform/records.js';
import type { BudgetAlert } from '#shared/budgets/alerts.js';
import { type Budget, remainingOf } from '#shared/budgets/budget.js';
import type { Charge } from '#shared/budgets/charges.js';
import type { Estimate } from '#shared/budgets/estimates.js';
import type { SpendBucket } from '#shared/budgets/spend.js';

export function budgetView(budget: Budget) {
  const slugs = [
    ...new Set([...Object.keys(budget.categories), ...Object.keys(budget.categorySpent)]),
  ].sort();
  return {
    id: budget.id,
    ownerId: budget.ownerId,
    name: budget.name,
    status: budget.status,
    period: budget.period,
    periodKey: budget.periodKey,
    total: formatFtns(budget.total),
    limit: formatFtns(budget.limit),
    spent: formatFtns(budget.spent),
    reserved: formatFtns(budget.reserved),
    remaining: formatFtns(remainingOf(budget)),
    utilisation: formatPercent(budget.spent, budget.limit),
    categories: Object.fromEntries(
      slugs.map((slug) => {
        const config = own(budget.categories, slug);
        const spent = own(budget.categorySpent, slug) ?? 0n;
        return [
          slug,
          {
            allocation: config ? formatFtns(config.allocation) : null,
            enforcement: config?.enforcement ?? null,
            spent: formatFtns(spent),
            utilisation: config ? formatPercent(spent, config.allocation) : null,
          },
        ];
      }),
    ),
    members: Object.entries(budget.members).map(([userId, { cap }]) => {
      const spent = own(budget.memberSpent, userId) ?? 0n;
      return {
        userId,
        cap: cap === null ? null : formatFtns(cap),
        spent: formatFtns(spent),
        utilisation: cap === null ? null : formatPercent(spent, cap),
      };
    }),
    autoExpand: {
      enabled: budget.autoExpand.enabled,
      maxExpansion: formatFtns(budget.autoExpand.maxExpansion),
    },
    alertThresholds: budget.alertThresholds,
    suspendAtPercent: budget.suspendAtPercent,
    createdAt: budget.createdAt,
  };
}

export const chargeView = ({ amount, ...rest }: Charge) => ({ ...rest, amount: formatFtns(amount) });

export const alertView = ({ budgetId: _budgetId, spent, limit, previousLimit, ...rest }: BudgetAlert) => ({
  ...rest,
  spent: formatFtns(spent),
  limit: formatFtns(limit),
  utilisation: formatPercent(spent, limit),
  previousLimit: previousLimit === null ? null : formatFtns(previousLimit),
});

export { expansionView } from '#shared/budgets/expansion-view.js';

export const estimateView = (estimate: Estimate) => ({
  budgetId: estimate.budgetId,
  total: formatFtns(estimate.total),
  categories: Object.fromEntries(
    Object.entries(estimate.categories).map(([slug, c]) => [
      slug,
      {
        estimate: formatFtns(c.estimate),
        correctionFactor: formatFtns(c.correction.factorPpm).padEnd(8, '0'),
        samples: c.correction.samples,
        allocation: c.allocation === null ? null : formatFtns(c.allocation),
        room: c.room === null ? null : formatFtns(c.room),
        covered: c.covered,
      },
    ]),
  ),
  budgetRemaining: formatFtns(estimate.budgetRemaining),
  expansionAvailable: formatFtns(estimate.expansionAvailable),
  available: formatFtns(estimate.available),
  covered: estimate.covered,
});

export const spendBucketView = ({ amount, ...rest }: SpendBucket) => ({
  ...rest,
  amount: formatFtns(amount),
});
