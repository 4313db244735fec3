import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ForbiddenError, NotFoundError } from '#platform/errors.js';
import type { Principal } from '#platform/http/principal.js';
import type { Idempotency } from '#platform/idempotency.js';
import { newId } from '#platform/ids.js';
import type { Micro } from '#platform/money.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import { Transaction } from '#platform/transaction.js';
import { outboxPut, publishOutboxed } from '#shared/notifications/outbox.js';
import { recordAlert, thresholdAlert } from './alerts.js';
import { budgetKey, isMember } from './budget.js';
import type { BudgetDeps } from './budget-deps.js';
import { changeBudget, getBudget } from './budgets.js';
import { expansionEvent } from './expansion-view.js';

/** A member's request for more budget; it lapses after 30 minutes, as in the original. */
export const EXPANSION_REQUEST_TTL_SECONDS = 30 * 60;

export type ExpansionStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface ExpansionRequest {
  id: string;
  budgetId: string;
  requestedBy: string;
  amount: Micro;
  reason: string;
  status: ExpansionStatus;
  expiresAt: string;
  createdAt: string;
  decidedBy?: string;
  decidedAt?: string;
}

const requestKey = (budgetId: string, id: string) => ({ pk: budgetKey(budgetId).pk, sk: `EXPANSION#${id}` });

function requestOf(item: Record<string, unknown>, now: Date): ExpansionRequest {
  const stored = item.status as ExpansionStatus;
  const lapsed = stored === 'pending' && Date.parse(String(item.expiresAt)) <= now.getTime();
  return {
    id: String(item.id),
    budgetId: String(item.budgetId),
    requestedBy: String(item.requestedBy),
    amount: BigInt(item.amount as bigint),
    reason: String(item.reason),
    status: lapsed ? 'expired' : stored,
    expiresAt: String(item.expiresAt),
    createdAt: String(item.createdAt),
    ...(item.decidedBy ? { decidedBy: String(item.decidedBy), decidedAt: String(item.decidedAt) } : {}),
  };
}

export async function requestExpansion(
  deps: BudgetDeps,
  budgetId: string,
  principal: Principal,
  input: { amount: Micro; reason: string },
  idempotency?: Idempotency<ExpansionRequest>,
): Promise<ExpansionRequest> {
  const budget = await getBudget(deps, budgetId, principal);
  if (!isMember(budget, principal.userId))
    throw new ForbiddenError('Only members may ask to expand a budget');
  const now = deps.clock.now();
  const request: ExpansionRequest = {
    id: newId('exp'),
    budgetId,
    requestedBy: principal.userId,
    amount: input.amount,
    reason: input.reason,
    status: 'pending',
    expiresAt: new Date(now.getTime() + EXPANSION_REQUEST_TTL_SECONDS * 1000).toISOString(),
    createdAt: now.toISOString(),
  };
  const event = expansionEvent(request, 'requested', request.createdAt);
  const tx = new Transaction(deps.table).add(outboxPut(deps.table.name, event)).add({
    Put: {
      TableName: deps.table.name,
      Item: {
        ...requestKey(budgetId, request.id),
        type: 'expansion-request',
        ...request,
        expiresAtMs: Date.parse(request.expiresAt),
      },
    },
  });
  await tx.idempotent(idempotency, request, now).commit(deps.retry);
  await publishOutboxed(deps.publish, event);
  return request;
}

/** A page of a budget's expansion requests, oldest first. */
export async function listExpansions(
  deps: BudgetDeps,
  budgetId: string,
  principal: Principal,
  page: { limit: number; cursor?: string },
): Promise<Page<ExpansionRequest>> {
  await getBudget(deps, budgetId, principal);
  const now = deps.clock.now();
  const query = {
    partitionKeyName: 'pk',
    partitionKey: budgetKey(budgetId).pk,
    sortKeyCondition: { expression: 'begins_with(sk, :expansion)', values: { ':expansion': 'EXPANSION#' } },
  };
  return queryPage(deps.table, query, page, (item) => requestOf(item, now));
}

/** The owner or an admin decides; approval raises the limit in the same transaction as the decision. */
export async function decideExpansion(
  deps: BudgetDeps,
  budgetId: string,
  requestId: string,
  principal: Principal,
  decision: 'approved' | 'denied',
): Promise<ExpansionRequest> {
  const now = deps.clock.now();
  const { Item } = await deps.table.doc.send(
    new GetCommand({
      TableName: deps.table.name,
      Key: requestKey(budgetId, requestId),
      ConsistentRead: true,
    }),
  );
  await getBudget(deps, budgetId, principal); // 404 before 409 for those who may not see the budget
  if (!Item) throw new NotFoundError('expansion request');
  const request = requestOf(Item, now);
  if (request.status !== 'pending') {
    throw new ConflictError('expansion_not_pending', `The request is ${request.status}`);
  }
  const decided: ExpansionRequest = {
    ...request,
    status: decision,
    decidedBy: principal.userId,
    decidedAt: now.toISOString(),
  };
  const denial = decision === 'denied' ? expansionEvent(decided, 'denied', decided.decidedAt!) : undefined;
  let previousLimit = 0n;
  const budget = await changeBudget(
    deps,
    budgetId,
    principal,
    (current, tx) => {
      tx.add(
        {
          Update: {
            TableName: deps.table.name,
            Key: requestKey(budgetId, requestId),
            UpdateExpression: 'SET #status = :decision, decidedBy = :by, decidedAt = :now',
            // Milliseconds, as the read decides `expired`.
            ConditionExpression: '#status = :pending AND expiresAtMs > :nowMs',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':decision': decision,
              ':by': principal.userId,
              ':now': now.toISOString(),
              ':pending': 'pending',
              ':nowMs': now.getTime(),
            },
          },
        },
        () => new ConflictError('expansion_not_pending', 'The request was decided already or has expired'),
      );
      if (denial) tx.add(outboxPut(deps.table.name, denial));
      previousLimit = current.limit;
      return decision === 'approved' ? { ...current, limit: current.limit + request.amount } : current;
    },
    { allowAdmin: true },
  );
  if (decision === 'approved') {
    await recordAlert(
      deps.table,
      deps.publish,
      {
        ...thresholdAlert(budgetId, budget.periodKey, 0, budget.spent, budget.limit, now),
        kind: 'expansion',
        threshold: null,
        severity: 'warning',
        previousLimit,
      },
      requestId,
    );
  }
  if (denial) await publishOutboxed(deps.publish, denial);
  return decided;
}
