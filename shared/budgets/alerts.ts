import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '#platform/http/principal.js';
import { logger } from '#platform/logger.js';
import { formatFtns, formatPercent, type Micro } from '#platform/money.js';
import type { Page } from '#platform/pagination.js';
import { type PartitionQuery, queryPage } from '#platform/query-page.js';
import type { Table } from '#platform/table.js';
import type { PlatformEvent } from '#shared/notifications/event.js';
import { budgetKey } from './budget.js';
import type { BudgetDeps } from './budget-deps.js';
import { getBudget } from './budgets.js';
import { type Severity, severityOf } from './thresholds.js';

/**
 * Alerts and expansion events of a budget. They cannot join the charge's transaction (a
 * duplicate would cancel the charge), so they are written right after it, each with a
 * conditional put whose key makes it unique (budget, period, threshold): never two, whoever
 * writes it (a concurrent charge, a retry, the health sweep repairing a crash).
 */
export type BudgetEventKind = 'threshold' | 'expansion' | 'suspended';

export interface BudgetAlert {
  kind: BudgetEventKind;
  budgetId: string;
  periodKey: string;
  threshold: number | null;
  severity: Severity | null;
  spent: Micro;
  limit: Micro;
  /** For expansions: the limit before. */
  previousLimit: Micro | null;
  createdAt: string;
}

export type Publish = (event: PlatformEvent) => Promise<void>;

const alertSortKey = (
  alert: Pick<BudgetAlert, 'kind' | 'periodKey' | 'threshold'> & { uniqueBy?: string },
) =>
  alert.kind === 'threshold'
    ? `ALERT#${alert.periodKey}#threshold#${String(alert.threshold).padStart(5, '0')}`
    : `ALERT#${alert.periodKey}#${alert.kind}#${alert.uniqueBy ?? ''}`;

export function thresholdAlert(
  budgetId: string,
  periodKey: string,
  threshold: number,
  spent: Micro,
  limit: Micro,
  at: Date,
): BudgetAlert {
  return {
    kind: 'threshold',
    budgetId,
    periodKey,
    threshold,
    severity: severityOf(threshold),
    spent,
    limit,
    previousLimit: null,
    createdAt: at.toISOString(),
  };
}

/** The events API's names: a threshold crossed is `budget.alert`, an expansion (approved or automatic) is approved. */
const PUBLIC_TYPES: Record<BudgetEventKind, string> = {
  threshold: 'budget.alert',
  expansion: 'budget.expansion.approved',
  suspended: 'budget.suspended',
};

const eventOf = (alert: BudgetAlert, sk: string): PlatformEvent => ({
  eventId: `${alert.budgetId}#${sk}`,
  type: PUBLIC_TYPES[alert.kind],
  occurredAt: alert.createdAt,
  subject: `budget:${alert.budgetId}`,
  data: {
    threshold: alert.threshold,
    severity: alert.severity,
    spent: formatFtns(alert.spent),
    limit: formatFtns(alert.limit),
    utilisation: formatPercent(alert.spent, alert.limit),
    ...(alert.previousLimit !== null ? { previousLimit: formatFtns(alert.previousLimit) } : {}),
  },
});

/**
 * Publishes a recorded alert and marks it published (an outbox): if the send fails, or the
 * process dies before the mark, the health sweep publishes it again. Consumers store events
 * once per id, so a second publication is harmless.
 */
async function publishAlert(
  table: Table,
  publish: Publish,
  alert: BudgetAlert,
  sk: string,
): Promise<boolean> {
  try {
    await publish(eventOf(alert, sk));
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: { pk: budgetKey(alert.budgetId).pk, sk },
        UpdateExpression: 'SET publishedAt = :now REMOVE gsi3pk, gsi3sk',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
    return true;
  } catch (error) {
    logger.warn('alert not published yet; the health sweep will retry', {
      budgetId: alert.budgetId,
      sk,
      error,
    });
    return false;
  }
}

/** Records an alert unless it exists; publishes it when this call recorded it. */
export async function recordAlert(
  table: Table,
  publish: Publish,
  alert: BudgetAlert,
  uniqueBy?: string,
): Promise<'recorded' | 'existing'> {
  const sk = alertSortKey({ ...alert, uniqueBy });
  try {
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        // Listed in a sparse index until published, for the sweep to find.
        Item: {
          pk: budgetKey(alert.budgetId).pk,
          sk,
          type: 'budget-alert',
          ...alert,
          gsi3pk: UNPUBLISHED,
          gsi3sk: `${alert.createdAt}#${sk}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'existing';
    throw error;
  }
  await publishAlert(table, publish, alert, sk);
  return 'recorded';
}

const UNPUBLISHED = 'UNPUBLISHED_ALERTS';

/** Publishes every alert whose publication failed or was cut short; returns how many. */
export async function publishPendingAlerts(table: Table, publish: Publish): Promise<number> {
  const { Items = [] } = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': UNPUBLISHED },
      Limit: 100,
    }),
  );
  let published = 0;
  for (const item of Items) {
    if (await publishAlert(table, publish, alertOf(item), String(item.sk))) published++;
  }
  return published;
}

function alertOf(item: Record<string, unknown>): BudgetAlert {
  return {
    kind: item.kind as BudgetEventKind,
    budgetId: String(item.budgetId),
    periodKey: String(item.periodKey),
    threshold: item.threshold === null || item.threshold === undefined ? null : Number(item.threshold),
    severity: (item.severity ?? null) as Severity | null,
    spent: BigInt(item.spent as bigint),
    limit: BigInt(item.limit as bigint),
    previousLimit:
      item.previousLimit === null || item.previousLimit === undefined
        ? null
        : BigInt(item.previousLimit as bigint),
    createdAt: String(item.createdAt),
  };
}

/** A budget's alerts and expansion events, oldest first. */
const alertsOf = (budgetId: string): PartitionQuery => ({
  partitionKeyName: 'pk',
  partitionKey: budgetKey(budgetId).pk,
  sortKeyCondition: { expression: 'begins_with(sk, :alert)', values: { ':alert': 'ALERT#' } },
});

/** A page of a budget's alerts, by period, then kind and threshold (the order they fire in), for its members. */
export async function listAlerts(
  deps: BudgetDeps,
  budgetId: string,
  principal: Principal,
  page: { limit: number; cursor?: string },
): Promise<Page<BudgetAlert>> {
  await getBudget(deps, budgetId, principal);
  return queryPage(deps.table, alertsOf(budgetId), page, alertOf);
}
