import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createQueue } from '#infra/local/resources.js';
import { queueUrlsByName, replayDeadLetters } from '#infra/ops/replay-dlq.js';
import { awsClients, testPrefix } from '../support/resources.js';

describe('Operations: replaying a dead-letter queue', () => {
  it('moves every parked message back to its source queue, body and attributes intact', async () => {
    const { sqs } = awsClients();
    const name = `${testPrefix(import.meta.filename)}-work`;
    await createQueue(sqs, name, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const urls = await queueUrlsByName(sqs, name);
    for (const body of ['a', 'b', 'c']) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: urls.dlqUrl,
          MessageBody: body,
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
        }),
      );
    }
    expect(await replayDeadLetters(sqs, urls)).toBe(3);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: urls.sourceUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    expect(Messages.map((m) => m.Body).sort()).toEqual(['a', 'b', 'c']);
    expect(Messages[0]?.MessageAttributes?.kind?.StringValue).toBe('test');
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: urls.dlqUrl, WaitTimeSeconds: 1 }));
    expect(left.Messages ?? []).toEqual([]);
  });
});
