import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamoClient } from './aws-clients.js';
import { config } from './config.js';

/**
 * The single table through the document client. Integers come back as bigint (money is
 * micro-FTNS and must never pass through a float); other numbers as number.
 */
export interface Table {
  name: string;
  doc: DynamoDBDocumentClient;
}

const wrapNumbers = (value: string): number | bigint =>
  /^-?\d+$/.test(value) ? BigInt(value) : Number(value);

export function documentClient(client = dynamoClient()): DynamoDBDocumentClient {
  // A fresh options object each time: the document client sets its own flags on the one it is given.
  return DynamoDBDocumentClient.from(client, {
    // A map with a key named `constructor` (a budget category) is a map too, not a class instance.
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
    unmarshallOptions: { wrapNumbers },
  });
}

/** An item the SDK leaves in wire format (a transaction's cancellation reasons), read like the rest. */
export const unmarshallItem = (item: Record<string, AttributeValue>): Record<string, unknown> =>
  unmarshall(item, { wrapNumbers });

let cached: Table | undefined;

export function table(): Table {
  cached ??= { name: config().TABLE_NAME, doc: documentClient() };
  return cached;
}
