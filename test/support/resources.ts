import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createResources, type LocalResources } from '#infra/local/resources.js';
import { clientSettings } from '#platform/aws-clients.js';
import { documentClient, type Table } from '#platform/table.js';

export const awsClients = () => ({
  dynamo: new DynamoDBClient(clientSettings()),
  sqs: new SQSClient(clientSettings()),
  s3: new S3Client({ ...clientSettings(), forcePathStyle: true }),
});

/** A unique, readable resource prefix for one test file. */
export const testPrefix = (file: string): string =>
  `t-${basename(file)
    .replace(/\.test\.ts$/, '')
    .replace(/[^a-z0-9-]/gi, '-')
    .slice(0, 24)}-${randomBytes(3).toString('hex')}`.toLowerCase();

/**
 * This file's own table, bucket and queues, with the function environment pointing at them
 * (handlers read their config once, from process.env, as on Lambda).
 */
export async function useTestResources(file: string): Promise<LocalResources & { table: Table }> {
  const resources = await createResources(awsClients(), testPrefix(file));
  Object.assign(process.env, {
    STAGE: 'test',
    TABLE_NAME: resources.tableName,
    BUCKET_NAME: resources.bucketName,
    QUEUE_URLS: JSON.stringify(resources.queueUrls),
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  return { ...resources, table: { name: resources.tableName, doc: documentClient(awsClients().dynamo) } };
}
