import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { correlatedRecord, workflowOfBody } from '#platform/correlation.js';
import { logger } from '#platform/logger.js';
import { handleDeadLetter } from '#shared/workflows/dead-letters.js';
import { phaseMessageSchema } from '#shared/workflows/messages.js';
import { workflowDeps } from '#shared/workflows/workflow-deps.js';

const processor = new BatchProcessor(EventType.SQS);

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Phase messages that exhausted their receives: the workflow fails, its unused holds are released. */
async function recordHandler(record: SQSRecord): Promise<void> {
  const parsed = phaseMessageSchema.safeParse(parseJson(record.body));
  if (!parsed.success) {
    // Nothing to settle for a message that names no workflow: keeping it would loop forever.
    logger.error('unreadable dead letter dropped', {
      messageId: record.messageId,
      body: record.body.slice(0, 200),
    });
    return;
  }
  const outcome = await handleDeadLetter(workflowDeps(), parsed.data);
  logger.warn('workflow dead letter', { ...parsed.data, outcome });
}

export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, correlatedRecord(recordHandler, workflowOfBody), processor, {
    context,
    throwOnFullBatchFailure: false,
  }),
).use(injectLambdaContext(logger, { resetKeys: true }));
