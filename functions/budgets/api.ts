import { priceBindings } from '#functions/prices/bindings.js';
import { bind, httpFunction, idempotent } from '#platform/http/http-function.js';
import type { Page } from '#platform/pagination.js';
import { listAlerts } from '#shared/budgets/alerts.js';
import type { Budget } from '#shared/budgets/budget.js';
import { budgetDeps } from '#shared/budgets/budget-deps.js';
import {
  closeBudget,
  createBudget,
  getBudget,
  listBudgets,
  removeMember,
  setMember,
  updateBudget,
} from '#shared/budgets/budgets.js';
import { type Charge, chargeBudget, listCharges } from '#shared/budgets/charges.js';
import { estimate } from '#shared/budgets/estimates.js';
import {
  decideExpansion,
  type ExpansionRequest,
  listExpansions,
  requestExpansion,
} from '#shared/budgets/expansions.js';
import { budgetSpend } from '#shared/budgets/spend.js';
import { basketLines } from '#shared/marketplace/basket.js';
import { getPrices } from '#shared/prices/price-list.js';
import { readExecutorEnv } from '#shared/workflows/executors/select.js';
import { holdLines } from '#shared/workflows/holds.js';
import {
  approveExpansionRoute,
  budgetSpendRoute,
  chargeRoute,
  closeBudgetRoute,
  createBudgetRoute,
  denyExpansionRoute,
  estimateRoute,
  getBudgetRoute,
  listAlertsRoute,
  listBudgetsRoute,
  listChargesRoute,
  listExpansionsRoute,
  putMemberRoute,
  removeMemberRoute,
  requestExpansionRoute,
  updateBudgetRoute,
} from './contract.js';
import { alertView, budgetView, chargeView, estimateView, expansionView, spendBucketView } from './views.js';

const budgetAnswer = (status: number) => (budget: Budget) => ({ status, body: budgetView(budget) });
const chargeAnswer = (charge: Charge) => ({ status: 201, body: chargeView(charge) });
const expansionAnswer = (expansion: ExpansionRequest) => ({ status: 201, body: expansionView(expansion) });
const pageOf = <T, V>(page: Page<T>, view: (item: T) => V) => ({
  items: page.items.map(view),
  nextCursor: page.nextCursor,
});

export const handler = httpFunction([
  ...priceBindings,
  bind(createBudgetRoute, async (request) => {
    const input = { ownerId: request.principal.userId, ...request.body };
    return budgetAnswer(201)(await createBudget(budgetDeps(), input, idempotent(request, budgetAnswer(201))));
  }),
  bind(listBudgetsRoute, async ({ principal, query }) => ({
    status: 200,
    body: pageOf(await listBudgets(budgetDeps(), principal.userId, query), budgetView),
  })),
  bind(getBudgetRoute, async ({ params, principal }) =>
    budgetAnswer(200)(await getBudget(budgetDeps(), params.budgetId, principal)),
  ),
  bind(updateBudgetRoute, async ({ params, principal, body }) =>
    budgetAnswer(200)(await updateBudget(budgetDeps(), params.budgetId, principal, body)),
  ),
  bind(closeBudgetRoute, async ({ params, principal }) =>
    budgetAnswer(200)(await closeBudget(budgetDeps(), params.budgetId, principal)),
  ),
  bind(chargeRoute, async (request) => {
    const input = { budgetId: request.params.budgetId, memberId: request.principal.userId, ...request.body };
    return chargeAnswer(await chargeBudget(budgetDeps(), input, idempotent(request, chargeAnswer)));
  }),
  bind(listChargesRoute, async ({ params, principal, query }) => ({
    status: 200,
    body: pageOf(await listCharges(budgetDeps(), params.budgetId, principal, query), chargeView),
  })),
  bind(putMemberRoute, async ({ params, principal, body }) =>
    budgetAnswer(200)(
      await setMember(budgetDeps(), params.budgetId, principal, params.userId, body.cap ?? null),
    ),
  ),
  bind(removeMemberRoute, async ({ params, principal }) =>
    budgetAnswer(200)(await removeMember(budgetDeps(), params.budgetId, principal, params.userId)),
  ),
  bind(listAlertsRoute, async ({ params, principal, query }) => {
    return {
      status: 200,
      body: pageOf(await listAlerts(budgetDeps(), params.budgetId, principal, query), alertView),
    };
  }),
  bind(requestExpansionRoute, async (request) => {
    const { params, principal, body } = request;
    const answer = idempotent(request, expansionAnswer);
    return expansionAnswer(await requestExpansion(budgetDeps(), params.budgetId, principal, body, answer));
  }),
  bind(listExpansionsRoute, async ({ params, principal, query }) => ({
    status: 200,
    body: pageOf(await listExpansions(budgetDeps(), params.budgetId, principal, query), expansionView),
  })),
  bind(approveExpansionRoute, async ({ params, principal }) => ({
    status: 200,
    body: expansionView(
      await decideExpansion(budgetDeps(), params.budgetId, params.expansionId, principal, 'approved'),
    ),
  })),
  bind(estimateRoute, async ({ body, principal }) => {
    const listingIds = (body.items ?? []).map((item) => item.listingId);
    const lines = listingIds.length
      ? await basketLines(budgetDeps(), principal, listingIds, body.category)
      : [];
    // A model workflow is estimated at what it would hold: its phases' worst cases, as lines.
    // The provider network runs the built-in phases at their prices: estimated as the built-in executor.
    const modelWorkflow = body.workflow && body.executor !== 'builtin' && body.executor !== 'network';
    if (modelWorkflow) {
      const prices = await getPrices(budgetDeps().table);
      lines.push(...holdLines(readExecutorEnv().models, body.executor, prices));
    }
    const request = { budgetId: body.budgetId, workflow: body.workflow && !modelWorkflow, lines };
    return { status: 200, body: estimateView(await estimate(budgetDeps(), principal, request)) };
  }),
  bind(denyExpansionRoute, async ({ params, principal }) => ({
    status: 200,
    body: expansionView(
      await decideExpansion(budgetDeps(), params.budgetId, params.expansionId, principal, 'denied'),
    ),
  })),
  bind(budgetSpendRoute, async ({ params, principal, query }) => ({
    status: 200,
    body: pageOf(await budgetSpend(budgetDeps(), params.budgetId, principal, query), spendBucketView),
  })),
]);
