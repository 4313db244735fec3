import type { Principal } from '#platform/http/principal.js';
import { applyRatePpm, type Micro } from '#platform/money.js';
import { own, record } from '#platform/records.js';
import { getAccount } from '#shared/ledger/accounts.js';
import { PHASES } from '#shared/prices/phases.js';
import { getPriceList, phaseCost } from '#shared/prices/price-list.js';
import { remainingOf } from './budget.js';
import type { BudgetDeps } from './budget-deps.js';
import { getBudget } from './budgets.js';
import { type Correction, corrections } from './cost-history.js';

/** Priced work to estimate: a whole workflow from the price list, or fixed-price lines. */
export interface EstimateRequest {
  budgetId: string;
  workflow: boolean;
  /** Fixed-price lines (e.g. marketplace listings), already priced by the caller. */
  lines: { category: string; amount: Micro }[];
}

export interface CategoryEstimate {
  estimate: Micro;
  correction: Correction;
  allocation: Micro | null;
  /** What the category may still take under a hard allocation; null when it is not enforced. */
  room: Micro | null;
  covered: boolean;
}

export interface Estimate {
  budgetId: string;
  total: Micro;
  categories: Record<string, CategoryEstimate>;
  budgetRemaining: Micro;
  /** What auto-expansion could add on top of the remaining budget. */
  expansionAvailable: Micro;
  available: Micro;
  covered: { budget: boolean; categories: boolean; balance: boolean; all: boolean };
}

/**
 * The predicted cost per category: workflow phases from the price list, scaled by the history
 * of actual against estimated costs in each category; fixed-price lines as they are.
 */
export async function estimate(
  deps: BudgetDeps,
  principal: Principal,
  request: EstimateRequest,
): Promise<Estimate> {
  const [budget, prices, account] = await Promise.all([
    getBudget(deps, request.budgetId, principal),
    getPriceList(deps.table),
    getAccount(deps, principal.userId),
  ]);
  const phaseCategories = request.workflow ? [...new Set(PHASES.map((p) => p.category))] : [];
  const history = await corrections(deps.table, phaseCategories);
  const byCategory = new Map<string, Micro>();
  const add = (category: string, amount: Micro) =>
    byCategory.set(category, (byCategory.get(category) ?? 0n) + amount);
  if (request.workflow) {
    for (const phase of PHASES) {
      const factor = own(history, phase.category)?.factorPpm ?? 1_000_000n;
      add(phase.category, applyRatePpm(phaseCost(phase, prices), factor));
    }
  }
  for (const line of request.lines) add(line.category, line.amount);

  const categories = record<CategoryEstimate>();
  for (const [category, amount] of byCategory) {
    const config = own(budget.categories, category);
    const spent = own(budget.categorySpent, category) ?? 0n;
    const room = config?.enforcement === 'hard' ? config.allocation - spent : null;
    categories[category] = {
      estimate: amount,
      correction: own(history, category) ?? { factorPpm: 1_000_000n, samples: 0 },
      allocation: config?.allocation ?? null,
      room,
      covered: room === null || amount <= room,
    };
  }
  const total = [...byCategory.values()].reduce((sum, amount) => sum + amount, 0n);
  const budgetRemaining = remainingOf(budget);
  const ceiling = budget.total + budget.autoExpand.maxExpansion;
  const expansionAvailable =
    budget.autoExpand.enabled && ceiling > budget.limit ? ceiling - budget.limit : 0n;
  const coveredBudget = budget.status === 'active' && total <= budgetRemaining + expansionAvailable;
  const coveredCategories = Object.values(categories).every((c) => c.covered);
  const coveredBalance = total <= account.available;
  return {
    budgetId: budget.id,
    total,
    categories,
    budgetRemaining,
    expansionAvailable,
    available: account.available,
    covered: {
      budget: coveredBudget,
      categories: coveredCategories,
      balance: coveredBalance,
      all: coveredBudget && coveredCategories && coveredBalance,
    },
  };
}
