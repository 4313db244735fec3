import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '#infra/local/lambda-context.js';
import type { Table } from '#platform/table.js';
import { eventsAbout } from '#shared/notifications/store.js';
import { useTestResources } from '../support/resources.js';

let table: Table;
let handler: (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  ({ table } = await useTestResources(import.meta.filename));
  ({ handler } = await import('#functions/notifications/consumer.js'));
});

const record = (messageId: string, body: unknown) => ({
  messageId,
  receiptHandle: messageId,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'x',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:notifications',
  awsRegion: 'us-east-1',
});

const alert = {
  eventId: 'ev-1',
  type: 'budget.alert',
  occurredAt: '2026-11-25T10:00:00.000Z',
  subject: 'budget:bd_1',
  data: { threshold: 50 },
};

describe('Function: notifications-consumer', () => {
  it('stores a valid event once even when the message is delivered twice, and fails only the bad record', async () => {
    const context = lambdaContext('notifications-consumer', 256, 10);
    const first = await handler(
      { Records: [record('m1', alert), record('m2', 'not json'), record('m3', { ...alert, type: 'x' })] },
      context,
    );
    const again = await handler({ Records: [record('m1', alert)] }, context);

    expect(first.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['m2', 'm3']);
    expect(again.batchItemFailures).toEqual([]);
    expect(await eventsAbout(table, 'budget:bd_1')).toEqual([alert]);
  });
});
