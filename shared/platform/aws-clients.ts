import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { config } from './config.js';
import { correlateMessages } from './correlation.js';
import { localTimeoutFactor } from './local-slack.js';

/**
 * Time limits of every AWS SDK client (see docs/decisions.md, "SDK time limits"). Without them a
 * hung endpoint hangs the call for ever. Two attempts of 2 s end within 4.2 s even with the
 * retry's backoff: inside the authorizer's 5 s, so a route fails at its first hung call, answers
 * 503 and never runs into its Lambda timeout.
 */
export const SDK_LIMITS = {
  connectionTimeoutMs: 1_000,
  /** The whole request and response; a long poll or a model call passes a longer one. */
  requestTimeoutMs: 2_000,
  maxAttempts: 2,
} as const;

export interface ClientLimits {
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/**
 * The one place that sets an SDK client's timeouts and retries: every client (functions, the
 * local runtime, scripts, tests) is created with these settings. Against the local AWS the
 * times are scaled by `localTimeoutFactor()`, as the local functions' timeouts are.
 */
export function clientSettings(limits: ClientLimits = {}) {
  const { connectionTimeoutMs, requestTimeoutMs, maxAttempts } = { ...SDK_LIMITS, ...limits };
  const factor = localTimeoutFactor();
  return {
    maxAttempts,
    requestHandler: {
      connectionTimeout: connectionTimeoutMs * factor,
      requestTimeout: requestTimeoutMs * factor,
      socketTimeout: requestTimeoutMs * factor,
      // Without it the SDK only logs a breached request timeout and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
}

/**
 * SDK clients, created on first use and reused for the container's life. The SDK reads
 * AWS_ENDPOINT_URL itself, so the same code talks to AWS, moto or LocalStack.
 */
let dynamo: DynamoDBClient | undefined;
let sqs: SQSClient | undefined;
let s3: S3Client | undefined;

const common = () => ({ region: config().AWS_REGION, ...clientSettings() });

export const dynamoClient = (): DynamoDBClient => {
  dynamo ??= new DynamoDBClient(common());
  return dynamo;
};

export const sqsClient = (): SQSClient => {
  sqs ??= correlateMessages(new SQSClient(common()));
  return sqs;
};

/** Path-style addressing: moto and LocalStack do not resolve bucket subdomains of localhost. */
export const s3Client = (): S3Client => {
  s3 ??= new S3Client({ ...common(), forcePathStyle: Boolean(config().AWS_ENDPOINT_URL) });
  return s3;
};
