import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

export function documentClient(client = dynamoClient()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: {
      wrapNumbers: (value: string) => (/^-?\d+$/.test(value) ? BigInt(value) : Number(value)),
    },
  });
}

let cached: Table | undefined;

export function table(): Table {
  cached ??= { name: config().TABLE_NAME, doc: documentClient() };
  return cached;
}
