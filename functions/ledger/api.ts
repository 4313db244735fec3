import { bind, httpFunction, idempotent } from '#platform/http/http-function.js';
import { formatFtns } from '#platform/money.js';
import { auditBudgets } from '#shared/budgets/audit.js';
import { budgetDeps } from '#shared/budgets/budget-deps.js';
import { captureHeldFunds } from '#shared/budgets/hold-capture.js';
import { accountFor, history, getAccount as readAccount } from '#shared/ledger/accounts.js';
import { auditLedger } from '#shared/ledger/audit.js';
import type { Hold } from '#shared/ledger/holds.js';
import { createHold, getHold, listHolds, releaseHold } from '#shared/ledger/holds.js';
import { ledgerDeps } from '#shared/ledger/ledger.js';
import type { Transfer } from '#shared/ledger/posting.js';
import { grant, transfer } from '#shared/ledger/transfers.js';
import {
  captureMyHold,
  getAccount,
  getAudit,
  getMyAccount,
  getMyHold,
  listMyHolds,
  listMyTransfers,
  postGrant,
  postHold,
  postTransfer,
  releaseMyHold,
} from './contract.js';
import { accountView, holdView, pageView, transferView } from './views.js';

const created = (moved: Transfer) => ({ status: 201, body: transferView(moved) });
const holdAnswer = (status: number) => (hold: Hold) => ({ status, body: holdView(hold) });

export const handler = httpFunction([
  bind(getMyAccount, async ({ principal }) => ({
    status: 200,
    body: accountView(await readAccount(ledgerDeps(), principal.userId)),
  })),
  bind(getAccount, async ({ params, principal }) => ({
    status: 200,
    body: accountView(await accountFor(ledgerDeps(), principal, params.userId)),
  })),
  bind(listMyTransfers, async ({ principal, query }) => ({
    status: 200,
    body: pageView(await history(ledgerDeps(), principal.userId, query), transferView),
  })),
  bind(postGrant, async (request) =>
    created(await grant(ledgerDeps(), request.body, idempotent(request, created))),
  ),
  bind(postTransfer, async (request) => {
    const input = { from: request.principal.userId, ...request.body };
    return created(await transfer(ledgerDeps(), input, idempotent(request, created)));
  }),
  bind(postHold, async (request) => {
    const { payeeId, ...rest } = request.body;
    const input = { ownerId: request.principal.userId, payee: payeeId, ...rest };
    return holdAnswer(201)(await createHold(ledgerDeps(), input, idempotent(request, holdAnswer(201))));
  }),
  bind(listMyHolds, async ({ principal, query }) => ({
    status: 200,
    body: pageView(await listHolds(ledgerDeps(), principal.userId, query), holdView),
  })),
  bind(getMyHold, async ({ principal, params }) =>
    holdAnswer(200)(await getHold(ledgerDeps(), params.holdId, principal.userId)),
  ),
  bind(captureMyHold, async (request) => {
    const input = {
      holdId: request.params.holdId,
      ownerId: request.principal.userId,
      amount: request.body.amount,
    };
    const idempotency = idempotent(request, holdAnswer(200));
    return holdAnswer(200)(await captureHeldFunds(budgetDeps(), input, { idempotency }));
  }),
  bind(releaseMyHold, async (request) => {
    const input = { holdId: request.params.holdId, ownerId: request.principal.userId };
    return holdAnswer(200)(await releaseHold(ledgerDeps(), input, idempotent(request, holdAnswer(200))));
  }),
  bind(getAudit, async () => {
    const [audit, budgets] = await Promise.all([auditLedger(ledgerDeps()), auditBudgets(ledgerDeps())]);
    return {
      status: 200,
      body: {
        sumOfBalances: formatFtns(audit.sumOfBalances),
        accountItems: audit.accounts,
        negativeBalances: audit.negativeBalances.map((row) => ({
          accountId: row.accountId,
          balance: formatFtns(row.balance),
          available: formatFtns(row.available),
        })),
        budgetDrift: budgets.drift.map((d) => ({
          budgetId: d.budgetId,
          spent: formatFtns(d.spent),
          ledger: formatFtns(d.ledger),
        })),
        checkedAt: audit.checkedAt,
      },
    };
  }),
]);
