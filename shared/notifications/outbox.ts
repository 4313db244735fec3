import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { epochSeconds } from '#platform/clock.js';
import { logger } from '#platform/logger.js';
import type { Table } from '#platform/table.js';
import type { TransactItem } from '#platform/transaction.js';
import type { Publish } from '#shared/budgets/alerts.js';
import { type PlatformEvent, platformEventSchema } from './event.js';

/**
 * The outbox of events whose cause is a transaction (an order, a refund): the event is written
 * in that same transaction and published after it; the consumer marks it published. Until then
 * the health sweep publishes it again (consumers keep one per id).
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

/**
 * Publishes a committed outbox event; the notifications consumer marks it published, so the
 * request that caused it pays one SendMessage and no write. A failure is left to the sweep.
 */
export async function publishOutboxed(publish: Publish, event: PlatformEvent): Promise<boolean> {
  try {
    await publish({ ...event, outboxed: true });
    return true;
  } catch (error) {
    logger.warn('event not published yet; the health sweep will retry', { eventId: event.eventId, error });
    return false;
  }
}

/** The consumer's confirmation: the event left the outbox (a no-op for an event already marked). */
export async function markPublished(table: Table, eventId: string): Promise<void> {
  try {
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: outboxKey(eventId),
        UpdateExpression: 'SET publishedAt = :now REMOVE gsi3pk, gsi3sk',
        ConditionExpression: 'attribute_exists(gsi3pk)',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
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
    if (await publishOutboxed(publish, event)) published++;
  }
  return published;
}
