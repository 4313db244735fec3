import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { config } from './config.js';

/**
 * SDK clients, created on first use and reused for the container's life. The SDK reads
 * AWS_ENDPOINT_URL itself, so the same code talks to AWS, moto or LocalStack.
 */
let dynamo: DynamoDBClient | undefined;
let sqs: SQSClient | undefined;
let s3: S3Client | undefined;

const common = () => ({ region: config().AWS_REGION, maxAttempts: 3 });

export const dynamoClient = (): DynamoDBClient => {
  dynamo ??= new DynamoDBClient(common());
  return dynamo;
};

export const sqsClient = (): SQSClient => {
  sqs ??= new SQSClient(common());
  return sqs;
};

/** Path-style addressing: moto and LocalStack do not resolve bucket subdomains of localhost. */
export const s3Client = (): S3Client => {
  s3 ??= new S3Client({ ...common(), forcePathStyle: Boolean(config().AWS_ENDPOINT_URL) });
  return s3;
};
