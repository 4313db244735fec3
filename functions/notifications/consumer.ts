import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#platform/logger.js';
import { table } from '#platform/table.js';
import { platformEventSchema } from '#shared/notifications/event.js';
import { storeEvent } from '#shared/notifications/store.js';

const processor = new BatchProcessor(EventType.SQS);

/** A record that does not parse or cannot be stored throws: only it is retried, then parked in the DLQ. */
async function recordHandler(record: SQSRecord): Promise<void> {
  const event = platformEventSchema.parse(JSON.parse(record.body));
  const outcome = await storeEvent(table(), event);
  logger.info('platform event', {
    eventId: event.eventId,
    type: event.type,
    subject: event.subject,
    outcome,
  });
}

export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
).use(injectLambdaContext(logger, { resetKeys: true }));
