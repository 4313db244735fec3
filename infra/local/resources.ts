import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DLQ_VISIBILITY_TIMEOUT_SECONDS, dlqName, queues } from '../manifest.js';
import { tableDesign } from '../table.js';

/** The names of one set of resources; a prefix keeps test files and runtimes apart. */
export interface LocalResources {
  tableName: string;
  bucketName: string;
  /** Queue id (and `<id>-dlq`) -> URL. */
  queueUrls: Record<string, string>;
}

export async function createTable(dynamo: DynamoDBClient, tableName: string): Promise<void> {
  const keys = [
    tableDesign.partitionKey,
    tableDesign.sortKey,
    ...tableDesign.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: tableDesign.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: tableDesign.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** Creates a queue with its DLQ and redrive policy, as the stack does. */
export async function createQueue(
  sqs: SQSClient,
  name: string,
  spec: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
): Promise<{ url: string; dlqUrl: string }> {
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: dlqName(name),
      Attributes: {
        MessageRetentionPeriod: '1209600',
        VisibilityTimeout: String(DLQ_VISIBILITY_TIMEOUT_SECONDS),
      },
    }),
  );
  const dlqUrl = dlq.QueueUrl!;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes!.QueueArn,
          maxReceiveCount: spec.maxReceiveCount,
        }),
      },
    }),
  );
  return { url: queue.QueueUrl!, dlqUrl };
}

export async function createResources(
  clients: { dynamo: DynamoDBClient; sqs: SQSClient; s3: S3Client },
  prefix: string,
): Promise<LocalResources> {
  const tableName = `${prefix}-table`;
  const bucketName = `${prefix}-artifacts`.toLowerCase();
  await createTable(clients.dynamo, tableName);
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucketName })).catch((error: Error) => {
    if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(error.name)) throw error;
  });
  const queueUrls: Record<string, string> = {};
  for (const [id, spec] of Object.entries(queues)) {
    const { url, dlqUrl } = await createQueue(clients.sqs, `${prefix}-${id}`, spec);
    queueUrls[id] = url;
    queueUrls[dlqName(id)] = dlqUrl;
  }
  return { tableName, bucketName, queueUrls };
}
