import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { pollOnce } from '#infra/local/queue-poller.js';
import { createQueue } from '#infra/local/resources.js';
import { awsClients, testPrefix } from '../support/resources.js';

/** Lambda's SQS event-source semantics in the local runtime, against the local AWS's real redrive. */
let sqs: SQSClient;
let queue: { url: string; dlqUrl: string; arn: string };

beforeAll(async () => {
  sqs = awsClients().sqs;
  const created = await createQueue(sqs, `${testPrefix(import.meta.filename)}-work`, {
    visibilityTimeoutSeconds: 1,
    maxReceiveCount: 2,
  });
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: created.url, AttributeNames: ['QueueArn'] }),
  );
  queue = { ...created, arn: Attributes!.QueueArn! };
});

const waitForVisibility = () => new Promise((resolve) => setTimeout(resolve, 1200));

describe('Local runtime: SQS event source', () => {
  it('redelivers exactly the failed record of a batch and parks it in the DLQ after maxReceiveCount', async () => {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: ['ok-1', 'poison', 'ok-2'].map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
    const seen: string[][] = [];
    const options = {
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      batchSize: 10,
      invoke: async (event: SQSEvent) => {
        seen.push(event.Records.map((record) => record.body).sort());
        const poison = event.Records.filter((record) => record.body === 'poison');
        return { batchItemFailures: poison.map((record) => ({ itemIdentifier: record.messageId })) };
      },
    };

    await pollOnce(options);
    expect(seen[0]).toEqual(['ok-1', 'ok-2', 'poison']);

    await waitForVisibility();
    await pollOnce(options);
    expect(seen[1]).toEqual(['poison']);

    await waitForVisibility();
    expect(await pollOnce(options)).toBe(0); // the third receive moved it to the DLQ instead
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, WaitTimeSeconds: 1 }),
    );
    expect(Messages.map((message) => message.Body)).toEqual(['poison']);
  });

  it('retries the whole batch when the invocation throws', async () => {
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: [{ Id: '0', MessageBody: 'crash' }] }),
    );
    let calls = 0;
    const options = {
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      batchSize: 10,
      invoke: async () => {
        calls += 1;
        if (calls === 1) throw new Error('handler crashed');
        return { batchItemFailures: [] };
      },
    };
    expect(await pollOnce(options)).toBe(1);
    await waitForVisibility();
    expect(await pollOnce(options)).toBe(1);
    await waitForVisibility();
    expect(await pollOnce(options)).toBe(0); // deleted after the successful second delivery
    expect(calls).toBe(2);
  });
});
