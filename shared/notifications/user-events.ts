import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from '#platform/pagination.js';
import { type PartitionQuery, queryPage } from '#platform/query-page.js';
import type { Table } from '#platform/table.js';
import type { PlatformEvent } from './event.js';
import { type EventView, eventView } from './event-view.js';

/** A user's copy of every event they see, by time: the events API reads one partition. */
const partitionOf = (userId: string) => `USER_EVENTS#${userId}`;

export async function storeUserEvent(table: Table, userId: string, event: PlatformEvent): Promise<void> {
  const view = eventView(event);
  try {
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: {
          pk: partitionOf(userId),
          sk: `${view.timestamp}#${view.id}`,
          eventType: view.type,
          event: JSON.stringify(view),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

export interface EventFilter {
  /** An exact type, or a prefix ending in `.*` (`budget.*`). */
  type?: string | undefined;
  /** Inclusive bounds on the event's time (ISO 8601). */
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * A page of a user's events, newest first. The type filter is applied after the read, so a page
 * may hold fewer than `limit` events and still have a next cursor.
 */
export function listUserEvents(
  table: Table,
  userId: string,
  filter: EventFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<EventView>> {
  const from = filter.from ? new Date(filter.from).toISOString() : '0';
  // `~` sorts after every id character: the upper bound includes events at exactly `to`.
  const to = filter.to ? `${new Date(filter.to).toISOString()}#~` : '~';
  const prefix = filter.type?.endsWith('.*') ? filter.type.slice(0, -1) : undefined;
  const query: PartitionQuery = {
    partitionKeyName: 'pk',
    partitionKey: partitionOf(userId),
    sortKeyCondition: { expression: 'sk BETWEEN :from AND :to', values: { ':from': from, ':to': to } },
    newestFirst: true,
    filter: filter.type
      ? {
          expression: prefix ? 'begins_with(eventType, :type)' : 'eventType = :type',
          values: { ':type': prefix ?? filter.type },
        }
      : undefined,
  };
  return queryPage(table, query, page, (item) => JSON.parse(String(item.event)) as EventView);
}
