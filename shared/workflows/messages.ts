import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { idOf } from '#platform/schemas.js';
import { PHASES } from '#shared/prices/phases.js';

/**
 * One queue carries every phase: a message names the workflow and the phase to run. The queue's
 * settings live here so that the manifest and the phase runner's retry timing agree.
 */
export const PHASE_QUEUE = 'workflow-phases';

export const PHASE_QUEUE_SPEC = {
  /** Six times the runner's timeout, AWS's advice for Lambda consumers. */
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 3,
} as const;

export const PHASE_RUNNER_TIMEOUT_SECONDS = 60;

const phaseIds = PHASES.map((phase) => phase.id) as [string, ...string[]];

export const phaseMessageSchema = z.object({ workflowId: idOf('wf'), phase: z.enum(phaseIds) });

export type PhaseMessage = z.infer<typeof phaseMessageSchema>;

export type SendPhase = (message: PhaseMessage) => Promise<void>;

export const phaseSender =
  (sqs: SQSClient, queueUrl: string): SendPhase =>
  async (message) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
  };

/**
 * When a failed message comes back: 1 s, 2 s, 4 s ... (capped) instead of the whole visibility
 * timeout; at the last receive at once, so that SQS moves it to the DLQ without waiting.
 */
export function retryDelaySeconds(
  receiveCount: number,
  maxReceiveCount: number = PHASE_QUEUE_SPEC.maxReceiveCount,
) {
  if (receiveCount >= maxReceiveCount) return 0;
  return Math.min(2 ** Math.max(0, receiveCount - 1), 60);
}

export async function deferRetry(
  sqs: SQSClient,
  queueUrl: string,
  receiptHandle: string,
  receiveCount: number,
): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: retryDelaySeconds(receiveCount),
    }),
  );
}
