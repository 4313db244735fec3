import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { sqsClient } from '#platform/aws-clients.js';
import { queueUrl } from '#platform/config.js';
import { correlatedRecord, workflowOfBody } from '#platform/correlation.js';
import { logger } from '#platform/logger.js';
import { deferRetry, PHASE_QUEUE, phaseMessageSchema } from '#shared/workflows/messages.js';
import { runPhase } from '#shared/workflows/runner.js';
import { reportPhase } from '#shared/workflows/timings.js';
import { workflowDeps } from '#shared/workflows/workflow-deps.js';

const processor = new BatchProcessor(EventType.SQS);

const SAFETY_MARGIN_MS = 3_000;

/**
 * One phase message: the runner decides from the workflow's phase states what this delivery may
 * do. A record that throws fails alone (partial batch response); it comes back after a short
 * backoff instead of the whole visibility timeout, and after maxReceiveCount goes to the DLQ.
 */
async function recordHandler(record: SQSRecord, context?: Context): Promise<void> {
  const attempt = Number(record.attributes.ApproximateReceiveCount);
  // Model calls stop with time left to record the failure and defer the retry.
  const remainingMs = context ? context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS : undefined;
  const signal = remainingMs !== undefined ? AbortSignal.timeout(Math.max(1, remainingMs)) : undefined;
  try {
    const message = phaseMessageSchema.parse(JSON.parse(record.body));
    const report = await runPhase(workflowDeps(), { ...message, attempt, ...(signal ? { signal } : {}) });
    reportPhase(report);
    logger.info('workflow phase', { ...report });
  } catch (error) {
    logger.warn('workflow phase failed', { attempt, error: String(error), messageId: record.messageId });
    await deferRetry(sqsClient(), queueUrl(PHASE_QUEUE), record.receiptHandle, attempt).catch(
      (deferError: unknown) => logger.warn('retry not deferred', { error: String(deferError) }),
    );
    throw error;
  }
}

export const handler = middy((event: SQSEvent, context: Context) =>
  // Every record failing is still a partial response: the poller deletes nothing and all come back.
  processPartialResponse(event, correlatedRecord(recordHandler, workflowOfBody), processor, {
    context,
    throwOnFullBatchFailure: false,
  }),
).use(injectLambdaContext(logger, { resetKeys: true }));
