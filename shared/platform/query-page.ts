import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from './errors.js';
import { decodeCursor, encodeCursor, type Page } from './pagination.js';
import type { Table } from './table.js';

export interface PartitionQuery {
  /** Undefined for the table itself. */
  index?: string;
  partitionKeyName: string;
  partitionKey: string;
  /** Limits the sort key, e.g. `begins_with(sk, :prefix)`, with its values. */
  sortKeyCondition?: { expression: string; values: Record<string, unknown> };
  newestFirst?: boolean;
  /** A strongly consistent read (the table only, not an index). */
  consistent?: boolean;
  filter?: { expression: string; values: Record<string, unknown>; names?: Record<string, string> };
}

function queryInput(table: Table, query: PartitionQuery): QueryCommandInput {
  return {
    TableName: table.name,
    IndexName: query.index,
    KeyConditionExpression: `${query.partitionKeyName} = :pk${query.sortKeyCondition ? ` AND ${query.sortKeyCondition.expression}` : ''}`,
    ExpressionAttributeValues: {
      ':pk': query.partitionKey,
      ...query.sortKeyCondition?.values,
      ...query.filter?.values,
    },
    ExpressionAttributeNames: query.filter?.names,
    FilterExpression: query.filter?.expression,
    ScanIndexForward: !query.newestFirst,
    ConsistentRead: query.consistent,
  };
}

/** Every item of one partition, following DynamoDB's pages (for bounded partitions read whole). */
export async function queryAll<T>(
  table: Table,
  query: PartitionQuery,
  toItem: (item: Record<string, unknown>) => T,
): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new QueryCommand({ ...queryInput(table, query), ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) items.push(toItem(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * One page of one partition. The cursor is the last key read; one from another partition is
 * refused (it would make DynamoDB answer a 400 and could point at someone else's data).
 */
export async function queryPage<T>(
  table: Table,
  query: PartitionQuery,
  page: { limit: number; cursor?: string | undefined },
  toItem: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const start = decodeCursor(page.cursor);
  if (start && start[query.partitionKeyName] !== query.partitionKey) {
    throw new ValidationError([{ path: 'query.cursor', message: 'belongs to another listing' }]);
  }
  const input = { ...queryInput(table, query), Limit: page.limit, ExclusiveStartKey: start };
  try {
    const { Items = [], LastEvaluatedKey } = await table.doc.send(new QueryCommand(input));
    return { items: Items.map(toItem), nextCursor: encodeCursor(LastEvaluatedKey) };
  } catch (error) {
    if ((error as Error).name === 'ValidationException' && start) {
      throw new ValidationError([{ path: 'query.cursor', message: 'is not a cursor returned by this API' }]);
    }
    throw error;
  }
}
