import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { correlatedRecord } from '#platform/correlation.js';
import { logger } from '#platform/logger.js';
import { processDelivery } from '#shared/webhooks/deliveries.js';
import { deliveryMessageSchema } from '#shared/webhooks/delivery.js';
import { webhookDeps } from '#shared/webhooks/webhook-deps.js';

const processor = new BatchProcessor(EventType.SQS);

/**
 * One attempt per message; the next one is a new message with its delay. A record that throws
 * (the table unreachable) comes back after the visibility timeout, then goes to the DLQ.
 */
async function recordHandler(record: SQSRecord): Promise<void> {
  const message = deliveryMessageSchema.parse(JSON.parse(record.body));
  const outcome = await processDelivery(webhookDeps(), message);
  logger.info('webhook delivery', { ...message, outcome });
}

export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, correlatedRecord(recordHandler), processor, { context }),
).use(injectLambdaContext(logger, { resetKeys: true }));
