import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '#platform/table.js';
import type { Check } from './check.js';

export function dynamoCheck(table: Table): Check {
  return {
    name: 'dynamodb',
    group: 'dependencies',
    run: async () => {
      await table.doc.send(
        new GetCommand({ TableName: table.name, Key: { pk: 'HEALTH#PROBE', sk: 'PROBE' } }),
      );
      return { status: 'healthy', detail: `table ${table.name} answers a read` };
    },
  };
}

export function s3Check(s3: S3Client, bucket: string): Check {
  return {
    name: 's3',
    group: 'dependencies',
    run: async () => {
      const key = `health/probe-${randomUUID()}`;
      const body = `probe ${key}`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      try {
        const read = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const text = await read.Body?.transformToString();
        if (text !== body) return { status: 'down', detail: 'the probe object read back differs' };
      } finally {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      }
      return { status: 'healthy', detail: `bucket ${bucket}: put, get and delete work` };
    },
  };
}

/** The local runtime and the stack name a queue's DLQ `<queue id>-dlq`. */
export const isDeadLetterQueue = (name: string): boolean => name.endsWith('-dlq');

/**
 * Said in every queue's detail: SQS's API has no age of the oldest message. It is the CloudWatch
 * metric ApproximateAgeOfOldestMessage, which the local AWS does not publish; we do not guess it.
 */
const OLDEST_AGE_UNMEASURED = 'oldest message age not measured (a CloudWatch metric, not in the SQS API)';

/** Messages waiting, and received but not yet deleted. */
export async function queueCounts(sqs: SQSClient, url: string): Promise<{ depth: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    depth: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** A queue backing up is degraded; a DLQ holding any message is degraded too (work was lost). */
export function queueCheck(sqs: SQSClient, name: string, url: string, backlogLimit = 1000): Check {
  const isDlq = isDeadLetterQueue(name);
  return {
    name: `sqs:${name}`,
    group: 'dependencies',
    run: async () => {
      const { depth, inFlight } = await queueCounts(sqs, url);
      const counts = `depth ${depth}, in flight ${inFlight}`;
      // A dead letter is one fault, counted once: by the `dlqs-empty` integration check. Here a
      // DLQ is a dependency like any queue, available when it answers.
      if (isDlq && depth + inFlight > 0) {
        return { status: 'healthy', detail: `${counts} (dead letters are counted by dlqs-empty)` };
      }
      if (depth > backlogLimit) {
        return {
          status: 'degraded',
          detail: `backing up: ${counts}, over ${backlogLimit}; ${OLDEST_AGE_UNMEASURED}`,
        };
      }
      return { status: 'healthy', detail: isDlq ? counts : `${counts}; ${OLDEST_AGE_UNMEASURED}` };
    },
  };
}
