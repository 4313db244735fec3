import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, epochSeconds, systemClock } from '#platform/clock.js';
import type { Table } from '#platform/table.js';
import type { HealthReport } from './sweep.js';

/** Sweeps are kept 30 days, newest first, in one partition (one write every few minutes). */
const PARTITION = 'HEALTH#SWEEPS';
const RETENTION_SECONDS = 30 * 24 * 3600;

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
): Promise<HealthReport | undefined> {
  const { Items = [] } = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PARTITION },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const item = Items[0];
  if (!item || BigInt(item.expiresAt) <= BigInt(epochSeconds(clock.now()))) return undefined;
  return JSON.parse(String(item.report)) as HealthReport;
}
