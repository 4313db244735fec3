import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { formatFtns, formatPercent, type Micro } from '#platform/money.js';
import type { Table } from '#platform/table.js';
import type { PlatformEvent } from '#shared/notifications/event.js';
import { budgetKey } from './budget.js';
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

/** Records an alert unless it exists; publishes it only when this call recorded it. */
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
        Item: { pk: budgetKey(alert.budgetId).pk, sk, type: 'budget-alert', ...alert },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'existing';
    throw error;
  }
  await publish({
    eventId: `${alert.budgetId}#${sk}`,
    type: `budget.${alert.kind}`,
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
  return 'recorded';
}

/** A budget's alerts and expansion events, oldest first. */
export async function listAlerts(table: Table, budgetId: string): Promise<BudgetAlert[]> {
  const alerts: BudgetAlert[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :alert)',
        ExpressionAttributeValues: { ':pk': budgetKey(budgetId).pk, ':alert': 'ALERT#' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      alerts.push({
        kind: item.kind as BudgetEventKind,
        budgetId,
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
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return alerts.sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || (a.threshold ?? 0) - (b.threshold ?? 0),
  );
}
