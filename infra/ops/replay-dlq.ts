import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * Moves messages from a dead-letter queue back to its source queue, after the cause of their
 * failure is fixed. Each batch is sent before it is deleted, so a crash can duplicate a message
 * but never lose one (the consumers are idempotent). On AWS, `aws sqs start-message-move-task`
 * does the same server-side; this works against any endpoint, the local AWS included.
 */
export async function replayDeadLetters(
  sqs: SQSClient,
  queues: { sourceUrl: string; dlqUrl: string },
  options: { max?: number } = {},
): Promise<number> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  while (moved < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.dlqUrl,
        MaxNumberOfMessages: Math.min(10, max - moved),
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.sourceUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          MessageAttributes: message.MessageAttributes,
        })),
      }),
    );
    const delivered = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    const done = Messages.filter((_, index) => delivered.has(String(index)));
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queues.dlqUrl,
          Entries: done.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle!,
          })),
        }),
      );
    }
    moved += done.length;
    if (done.length < Messages.length)
      throw new Error(`${Messages.length - done.length} message(s) could not be re-sent`);
  }
  return moved;
}

export async function queueUrlsByName(sqs: SQSClient, queueName: string) {
  const [{ QueueUrl: sourceUrl }, { QueueUrl: dlqUrl }] = await Promise.all([
    sqs.send(new GetQueueUrlCommand({ QueueName: queueName })),
    sqs.send(new GetQueueUrlCommand({ QueueName: `${queueName}-dlq` })),
  ]);
  return { sourceUrl: sourceUrl!, dlqUrl: dlqUrl! };
}
