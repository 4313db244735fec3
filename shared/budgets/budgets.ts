import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '#platform/batch-get.js';
import { ConflictError, ForbiddenError, ValidationError } from '#platform/errors.js';
import type { Principal } from '#platform/http/principal.js';
import type { Idempotency } from '#platform/idempotency.js';
import { newId } from '#platform/ids.js';
import type { Micro } from '#platform/money.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import { mapValues, record, withKey, withoutKey } from '#platform/records.js';
import { Transaction } from '#platform/transaction.js';
import { requireUser } from '#shared/ledger/ledger.js';
import {
  type Budget,
  budgetKey,
  budgetOf,
  type CategoryConfig,
  isMember,
  membershipKey,
  type Period,
  periodKeyOf,
} from './budget.js';
import type { BudgetDeps } from './budget-deps.js';
import { budgetItem } from './budget-item.js';
import { BudgetChangedError, BudgetClosedError, BudgetNotFoundError } from './errors.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';

/** At most this many members: a membership change is one transaction (at most 100 items). */
export const MAX_MEMBERS = 50;

export interface NewBudget {
  ownerId: string;
  name: string;
  total: Micro;
  categories?: Record<string, { allocation: Micro; enforcement?: CategoryConfig['enforcement'] }>;
  alertThresholds?: number[];
  autoExpand?: { enabled: boolean; maxExpansion: Micro };
  members?: { userId: string; cap?: Micro }[];
  period?: Period;
  suspendAtPercent?: number;
}

const categoriesOf = (input: NonNullable<NewBudget['categories']>): Budget['categories'] =>
  mapValues(input, (c) => ({ allocation: c.allocation, enforcement: c.enforcement ?? 'soft' }));

export async function createBudget(
  deps: BudgetDeps,
  input: NewBudget,
  idempotency?: Idempotency<Budget>,
): Promise<Budget> {
  const now = deps.clock.now();
  const period = input.period ?? 'none';
  const members = record<{ cap: Micro | null }>([
    [input.ownerId, { cap: null }],
    ...(input.members ?? []).map((member) => [member.userId, { cap: member.cap ?? null }] as const),
  ]);
  if (Object.keys(members).length > MAX_MEMBERS) {
    throw new ValidationError([{ path: 'body.members', message: `at most ${MAX_MEMBERS} members` }]);
  }
  const budget: Budget = {
    id: newId('bud'),
    ownerId: input.ownerId,
    name: input.name,
    status: 'active',
    period,
    periodKey: periodKeyOf(period, now),
    total: input.total,
    limit: input.total,
    spent: 0n,
    reserved: 0n,
    autoExpand: input.autoExpand ?? { enabled: false, maxExpansion: 0n },
    alertThresholds: [...(input.alertThresholds ?? DEFAULT_THRESHOLDS)].sort((a, b) => a - b),
    suspendAtPercent: input.suspendAtPercent ?? null,
    categories: categoriesOf(input.categories ?? record()),
    categorySpent: record(),
    members,
    memberSpent: record(),
    version: 1n,
    createdAt: now.toISOString(),
  };
  const tx = new Transaction(deps.table).add({
    Put: {
      TableName: deps.table.name,
      Item: budgetItem(budget),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  for (const userId of Object.keys(members)) {
    if (userId !== input.ownerId) requireUser(tx, deps, userId, 'body.members');
    tx.add({
      Put: { TableName: deps.table.name, Item: { ...membershipKey(userId, budget.id), budgetId: budget.id } },
    });
  }
  await tx.idempotent(idempotency, budget, now).commit(deps.retry);
  return budget;
}

async function readBudget(deps: BudgetDeps, budgetId: string): Promise<Budget | undefined> {
  const { Item } = await deps.table.doc.send(
    new GetCommand({ TableName: deps.table.name, Key: budgetKey(budgetId), ConsistentRead: true }),
  );
  return Item ? budgetOf(Item) : undefined;
}

/** A budget its members (and admins) may read; to anyone else it does not exist. */
export async function getBudget(deps: BudgetDeps, budgetId: string, principal: Principal): Promise<Budget> {
  const budget = await readBudget(deps, budgetId);
  if (!budget || (principal.role !== 'admin' && !isMember(budget, principal.userId)))
    throw new BudgetNotFoundError();
  return budget;
}

/** The budgets the user owns or belongs to. */
/** A page of the budgets the user is a member of (the owner is one), by id. */
export async function listBudgets(
  deps: BudgetDeps,
  userId: string,
  page: { limit: number; cursor?: string },
): Promise<Page<Budget>> {
  const memberships = await queryPage(
    deps.table,
    {
      partitionKeyName: 'pk',
      partitionKey: `MEMBER#${userId}`,
      sortKeyCondition: { expression: 'begins_with(sk, :budget)', values: { ':budget': 'BUDGET#' } },
    },
    page,
    (item) => String(item.budgetId),
  );
  const read = await batchGet(deps.table, memberships.items.map(budgetKey));
  const budgets = memberships.items.flatMap((id) => {
    const item = read.get(budgetKey(id));
    return item ? [budgetOf(item)] : [];
  });
  // The budget's own members decide, whatever the membership items say.
  return { items: budgets.filter((b) => isMember(b, userId)), nextCursor: memberships.nextCursor };
}

/**
 * Owner changes: read, change, and write the whole budget back on condition that nothing
 * changed meanwhile (its version); a concurrent charge makes it try again.
 */
export async function changeBudget(
  deps: BudgetDeps,
  budgetId: string,
  principal: Principal,
  change: (budget: Budget, tx: Transaction) => Budget,
  options: { allowAdmin?: boolean; allowClosed?: boolean } = {},
): Promise<Budget> {
  for (let attempt = 1; attempt <= 8; attempt++) {
    const current = await getBudget(deps, budgetId, principal);
    const mayChange =
      current.ownerId === principal.userId || (options.allowAdmin && principal.role === 'admin');
    if (!mayChange) throw new ForbiddenError('Only the owner of the budget may change it');
    if (current.status === 'closed' && !options.allowClosed) throw new BudgetClosedError();
    const tx = new Transaction(deps.table);
    const next = { ...change(current, tx), version: current.version + 1n };
    tx.add(
      {
        Put: {
          TableName: deps.table.name,
          Item: budgetItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': current.version },
        },
      },
      () => new BudgetChangedError(undefined),
    );
    try {
      await tx.commit(deps.retry);
      return next;
    } catch (error) {
      if (!(error instanceof BudgetChangedError)) throw error;
    }
  }
  throw new BudgetChangedError(undefined);
}

export function setMember(
  deps: BudgetDeps,
  budgetId: string,
  principal: Principal,
  userId: string,
  cap: Micro | null,
) {
  return changeBudget(deps, budgetId, principal, (budget, tx) => {
    if (!isMember(budget, userId)) {
      if (Object.keys(budget.members).length >= MAX_MEMBERS) {
        throw new ValidationError([
          { path: 'params.userId', message: `a budget has at most ${MAX_MEMBERS} members` },
        ]);
      }
      requireUser(tx, deps, userId, 'params.userId');
      tx.add({ Put: { TableName: deps.table.name, Item: { ...membershipKey(userId, budgetId), budgetId } } });
    }
    return { ...budget, members: withKey(budget.members, userId, { cap }) };
  });
}

export function removeMember(deps: BudgetDeps, budgetId: string, principal: Principal, userId: string) {
  return changeBudget(deps, budgetId, principal, (budget, tx) => {
    if (userId === budget.ownerId) {
      throw new ValidationError([{ path: 'params.userId', message: 'the owner is always a member' }]);
    }
    if (!isMember(budget, userId)) throw new BudgetNotFoundError();
    tx.add({ Delete: { TableName: deps.table.name, Key: membershipKey(userId, budgetId) } });
    return { ...budget, members: withoutKey(budget.members, userId) };
  });
}

export interface BudgetChanges {
  name?: string;
  total?: Micro;
  categories?: Record<string, { allocation: Micro; enforcement?: CategoryConfig['enforcement'] }>;
  alertThresholds?: number[];
  autoExpand?: { enabled: boolean; maxExpansion: Micro };
  suspendAtPercent?: number | null;
  /** `active` resumes a suspended budget. */
  status?: 'active';
}

export function updateBudget(
  deps: BudgetDeps,
  budgetId: string,
  principal: Principal,
  changes: BudgetChanges,
) {
  return changeBudget(deps, budgetId, principal, (budget) => {
    const total = changes.total ?? budget.total;
    return {
      ...budget,
      name: changes.name ?? budget.name,
      total,
      // Expansions stay on top of the new total.
      limit: budget.limit + (total - budget.total),
      categories: changes.categories ? categoriesOf(changes.categories) : budget.categories,
      alertThresholds: changes.alertThresholds
        ? [...changes.alertThresholds].sort((a, b) => a - b)
        : budget.alertThresholds,
      autoExpand: changes.autoExpand ?? budget.autoExpand,
      suspendAtPercent:
        changes.suspendAtPercent === undefined ? budget.suspendAtPercent : changes.suspendAtPercent,
      status: changes.status ?? budget.status,
    };
  });
}

/** Closing ends all spending; a budget with reservations of running work cannot close yet. */
export function closeBudget(deps: BudgetDeps, budgetId: string, principal: Principal) {
  return changeBudget(deps, budgetId, principal, (budget) => {
    if (budget.reserved > 0n) {
      throw new ConflictError('budget_in_use', 'Running workflows still hold reservations on this budget');
    }
    return { ...budget, status: 'closed' };
  });
}
