import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '#platform/query-page.js';
import type { Table } from '#platform/table.js';
import type { PlatformEvent } from './event.js';

const partitionOf = (subject: string) => `EVENTS#${subject}`;

/** Stores an event once: a redelivered message finds its event already there. */
export async function storeEvent(table: Table, event: PlatformEvent): Promise<'stored' | 'duplicate'> {
  try {
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: {
          pk: partitionOf(event.subject),
          sk: `${event.occurredAt}#${event.eventId}`,
          event: JSON.stringify(event),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'stored';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'duplicate';
    throw error;
  }
}

/** Events about one subject, oldest first. */
export function eventsAbout(table: Table, subject: string): Promise<PlatformEvent[]> {
  return queryAll(
    table,
    { partitionKeyName: 'pk', partitionKey: partitionOf(subject) },
    (item) => JSON.parse(String(item.event)) as PlatformEvent,
  );
}
