import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '#platform/table.js';
import { budgetKey } from '#shared/budgets/budget.js';
import type { PlatformEvent } from './event.js';

/**
 * Who sees an event: the users the publisher named, else the owner and members of the budget it
 * is about, else the `ownerId` of its data (workflows). An event nobody owns is stored by subject only.
 */
export async function audienceOf(table: Table, event: PlatformEvent): Promise<string[]> {
  if (event.audience) return [...new Set(event.audience)];
  if (event.subject.startsWith('budget:')) {
    const { Item } = await table.doc.send(
      new GetCommand({
        TableName: table.name,
        Key: budgetKey(event.subject.slice('budget:'.length)),
        ProjectionExpression: 'ownerId, members',
      }),
    );
    if (!Item) return [];
    return [...new Set([String(Item.ownerId), ...Object.keys((Item.members as object | undefined) ?? {})])];
  }
  return typeof event.data.ownerId === 'string' ? [event.data.ownerId] : [];
}
