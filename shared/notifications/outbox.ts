import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { epochSeconds } from '#platform/clock.js';
import { logger } from '#platform/logger.js';
import type { Table } from '#platform/table.js';
import type { TransactItem } from '#platform/transaction.js';
import type { Publish } from '#shared/budgets/alerts.js';
import { type PlatformEvent, platformEventSchema } from './event.js';

/**
 * The outbox of events whose cause is a transaction (an order, a refund): the event is written
 * in that same transaction, published after it, and marked published. If the publication fails
 * or the process dies first, the health sweep publishes it again (consumers keep one per id).
 */
const UNPUBLISHED = 'UNPUBLISHED_EVENTS';
const RETENTION_SECONDS = 7 * 24 * 3600;

const outboxKey = (eventId: string) => ({ pk: `OUTBOX#${eventId}`, sk: 'EVENT' });

export const outboxPut = (tableName: string, event: PlatformEvent): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: {
      ...outboxKey(event.eventId),
      type: 'outbox-event',
      event: JSON.stringify(event),
      // Listed in a sparse index until published, for the sweep to find.
      gsi3pk: UNPUBLISHED,
      gsi3sk: `${event.occurredAt}#${event.eventId}`,
      expiresAt: epochSeconds(new Date(event.occurredAt)) + RETENTION_SECONDS,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/** Publishes a committed outbox event and marks it; a failure is left to the sweep. */
export async function publishOutboxed(
  table: Table,
  publish: Publish,
  event: PlatformEvent,
): Promise<boolean> {
  try {
    await publish(event);
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: outboxKey(event.eventId),
        UpdateExpression: 'SET publishedAt = :now REMOVE gsi3pk, gsi3sk',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
    return true;
  } catch (error) {
    logger.warn('event not published yet; the health sweep will retry', { eventId: event.eventId, error });
    return false;
  }
}

/** Publishes every outbox event whose publication failed or was cut short; returns how many. */
export async function publishPendingEvents(table: Table, publish: Publish): Promise<number> {
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
    const event = platformEventSchema.parse(JSON.parse(String(item.event)));
    if (await publishOutboxed(table, publish, event)) published++;
  }
  return published;
}
