import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, epochSeconds, systemClock } from '#platform/clock.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import type { Table } from '#platform/table.js';
import type { HealthReport } from './sweep.js';

/** Sweeps are kept 30 days, newest first, in one partition (one write every few minutes). */
const PARTITION = 'HEALTH#SWEEPS';
const RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * DynamoDB's TTL deletes days late (and never locally), so reads skip expired sweeps themselves.
 * The sort key starts with `checkedAt`, so "younger than 30 days" is a key condition: expired
 * sweeps are never even read.
 */
const retained = (clock: Clock) => ({
  expression: 'sk > :oldest',
  values: { ':oldest': new Date(clock.now().getTime() - RETENTION_SECONDS * 1000).toISOString() },
});

const reportOf = (item: Record<string, unknown>): HealthReport =>
  JSON.parse(String(item.report)) as HealthReport;

export async function saveReport(table: Table, report: HealthReport): Promise<void> {
  await table.doc.send(
    new PutCommand({
      TableName: table.name,
      Item: {
        pk: PARTITION,
        sk: `${report.checkedAt}#${report.id}`,
        expiresAt: epochSeconds(new Date(report.checkedAt)) + RETENTION_SECONDS,
        report: JSON.stringify(report),
      },
    }),
  );
}

export async function latestReport(
  table: Table,
  clock: Clock = systemClock,
  abortSignal?: AbortSignal,
): Promise<HealthReport | undefined> {
  const condition = retained(clock);
  const { Items = [] } = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: `pk = :pk AND ${condition.expression}`,
      ExpressionAttributeValues: { ':pk': PARTITION, ...condition.values },
      ScanIndexForward: false,
      Limit: 1,
    }),
    { abortSignal },
  );
  return Items[0] ? reportOf(Items[0]) : undefined;
}

/** Stored sweeps, newest first, in cursor pages. */
export function reportHistory(
  table: Table,
  page: { limit: number; cursor?: string },
  clock: Clock = systemClock,
): Promise<Page<HealthReport>> {
  return queryPage(
    table,
    { partitionKeyName: 'pk', partitionKey: PARTITION, sortKeyCondition: retained(clock), newestFirst: true },
    page,
    reportOf,
  );
}
