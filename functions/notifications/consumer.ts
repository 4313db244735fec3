import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { correlatedRecord } from '#platform/correlation.js';
import { logger } from '#platform/logger.js';
import { table } from '#platform/table.js';
import { audienceOf } from '#shared/notifications/audience.js';
import { platformEventSchema } from '#shared/notifications/event.js';
import { eventView } from '#shared/notifications/event-view.js';
import { markPublished } from '#shared/notifications/outbox.js';
import { storeEvent } from '#shared/notifications/store.js';
import { storeUserEvent } from '#shared/notifications/user-events.js';
import { fanOut } from '#shared/webhooks/deliveries.js';
import { webhookDeps } from '#shared/webhooks/webhook-deps.js';

const processor = new BatchProcessor(EventType.SQS);

/**
 * Stores the event by subject and for each user who sees it, then queues its webhook deliveries.
 * A record that does not parse or cannot be stored throws: only it is retried, then parked in the DLQ. */
async function recordHandler(record: SQSRecord): Promise<void> {
  const event = platformEventSchema.parse(JSON.parse(record.body));
  const outcome = await storeEvent(table(), event);
  // Every step below is idempotent, so a redelivered event completes what a crash cut short.
  const audience = await audienceOf(table(), event);
  for (const userId of audience) await storeUserEvent(table(), userId, event);
  const queued = await fanOut(webhookDeps(), eventView(event), audience);
  if (event.outboxed) await markPublished(table(), event.eventId);
  logger.info('platform event', {
    eventId: event.eventId,
    type: event.type,
    subject: event.subject,
    outcome,
    webhooks: queued,
  });
}

export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, correlatedRecord(recordHandler), processor, { context }),
).use(injectLambdaContext(logger, { resetKeys: true }));
