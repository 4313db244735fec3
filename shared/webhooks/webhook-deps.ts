import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from '#platform/aws-clients.js';
import { type Clock, systemClock } from '#platform/clock.js';
import { config, queueUrl } from '#platform/config.js';
import { type Table, table } from '#platform/table.js';
import type { Publish } from '#shared/budgets/alerts.js';
import { publishToNotifications } from '#shared/budgets/budget-deps.js';
import type { DeliveryMessage } from './delivery.js';
import { type Resolve, systemResolve } from './destination.js';
import { retryDelays } from './schedule.js';
import { type Send, sendWebhook } from './send.js';

/** Everything webhook code needs, injected: tests swap the clock, the resolver, the sender, the queues. */
export interface WebhookDeps {
  table: Table;
  clock: Clock;
  stage: string;
  resolve: Resolve;
  send: Send;
  retryDelays: number[];
  enqueue(message: DeliveryMessage, delaySeconds: number): Promise<void>;
  /** Parks a delivery that exhausted its retries on the deliveries queue's DLQ (for replay-dlq). */
  deadLetter(message: DeliveryMessage): Promise<void>;
  publish: Publish;
}

export const DELIVERIES_QUEUE = 'webhook-deliveries';

const sendTo = async (queue: string, message: DeliveryMessage, delaySeconds = 0) => {
  await sqsClient().send(
    new SendMessageCommand({
      QueueUrl: queueUrl(queue),
      MessageBody: JSON.stringify(message),
      DelaySeconds: delaySeconds,
    }),
  );
};

let deps: WebhookDeps | undefined;
/** The webhook dependencies in a Lambda, built once per container. */
export const webhookDeps = (): WebhookDeps => {
  deps ??= {
    table: table(),
    clock: systemClock,
    stage: config().STAGE,
    resolve: systemResolve,
    send: sendWebhook,
    retryDelays: retryDelays(),
    enqueue: (message, delaySeconds) => sendTo(DELIVERIES_QUEUE, message, delaySeconds),
    deadLetter: (message) => sendTo(`${DELIVERIES_QUEUE}-dlq`, message),
    publish: publishToNotifications,
  };
  return deps;
};
