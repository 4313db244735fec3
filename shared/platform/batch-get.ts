import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from './errors.js';
import type { Table } from './table.js';

export type ItemKey = { pk: string; sk: string };

const id = (key: ItemKey) => `${key.pk}\n${key.sk}`;

/**
 * Strongly consistent reads of up to 100 items in one BatchGetItem (again only for the keys
 * DynamoDB leaves unprocessed under load). `get(key)` finds an item by its key.
 */
export async function batchGet(table: Table, keys: ItemKey[]) {
  if (keys.length > 100) throw new Error('a BatchGetItem reads at most 100 keys');
  const found = new Map<string, Record<string, unknown>>();
  let pending: ItemKey[] = [...new Map(keys.map((key) => [id(key), key])).values()];
  for (let attempt = 1; pending.length > 0; attempt++) {
    const { Responses = {}, UnprocessedKeys = {} } = await table.doc.send(
      new BatchGetCommand({ RequestItems: { [table.name]: { Keys: pending, ConsistentRead: true } } }),
    );
    for (const item of Responses[table.name] ?? []) found.set(id(item as ItemKey), item);
    pending = (UnprocessedKeys[table.name]?.Keys ?? []) as ItemKey[];
    if (pending.length > 0) {
      if (attempt >= 5)
        throw new UnavailableError('The table is too busy to read these items, retry shortly');
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
    }
  }
  return { get: (key: ItemKey) => found.get(id(key)) };
}
