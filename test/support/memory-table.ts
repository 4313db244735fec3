import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Table } from '#platform/table.js';
import { applyUpdate, conditionHolds, type Item } from './expressions.js';

/**
 * The single table in memory, for unit tests of the money code: Get, BatchGet, Put, Update, Query
 * and TransactWriteItems with their conditions, all-or-nothing. It is passed as the table
 * dependency, so the code under test runs unchanged and no SDK client is mocked. `failNext`
 * makes the next transactions fail as a concurrent one would (a TransactionConflict).
 */
export interface MemoryTable extends Table {
  items: Map<string, Item>;
  put(item: Item): void;
  item(key: { pk: string; sk: string }): Item | undefined;
  /** Every committed transaction's items, in order. */
  transactions: NonNullable<TransactWriteCommandInput['TransactItems']>[];
  failNext(conflicts: number): void;
  /** At most this many items in one page of a query, as DynamoDB stops at 1 MB (default 1000). */
  pageSize: number;
}

const id = (key: Record<string, unknown>) => `${String(key.pk)}|${String(key.sk)}`;

export function memoryTable(name = 'memory'): MemoryTable {
  const items = new Map<string, Item>();
  const transactions: MemoryTable['transactions'] = [];
  let conflicts = 0;

  function transact(input: TransactWriteCommandInput): void {
    const legs = input.TransactItems ?? [];
    if (conflicts > 0) {
      conflicts--;
      throw cancelled(legs.map(() => ({ Code: 'TransactionConflict' })));
    }
    const staged = new Map(items);
    const reasons = legs.map((leg) => {
      const [kind, body] = Object.entries(leg)[0] as [string, Record<string, unknown>];
      const key = (kind === 'Put' ? pick(body.Item as Item) : body.Key) as Item;
      const existing = staged.get(id(key));
      const expression = {
        names: body.ExpressionAttributeNames as Record<string, string> | undefined,
        values: body.ExpressionAttributeValues as Record<string, unknown> | undefined,
      };
      const condition = body.ConditionExpression as string | undefined;
      if (condition && !conditionHolds(existing, condition, expression)) {
        const returnOld = body.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && existing;
        return { Code: 'ConditionalCheckFailed', ...(returnOld ? { Item: marshall(existing) } : {}) };
      }
      if (kind === 'Put') staged.set(id(key), structuredClone(body.Item as Item));
      if (kind === 'Update')
        staged.set(id(key), applyUpdate(existing ?? { ...key }, body.UpdateExpression as string, expression));
      if (kind === 'Delete') staged.delete(id(key));
      return { Code: 'None' };
    });
    if (reasons.some((reason) => reason.Code !== 'None')) throw cancelled(reasons);
    for (const key of items.keys()) if (!staged.has(key)) items.delete(key);
    for (const [key, item] of staged) items.set(key, item);
    transactions.push(legs);
  }

  function query(input: QueryCommand['input']): { Items: Item[]; LastEvaluatedKey?: Item } {
    if (input.IndexName === '') throw new Error('ValidationException: an index name cannot be empty');
    const sortKey = input.IndexName ? `${input.IndexName}sk` : 'sk';
    const partitionKey = input.IndexName ? `${input.IndexName}pk` : 'pk';
    const expression = {
      names: input.ExpressionAttributeNames,
      values: input.ExpressionAttributeValues,
    };
    const sorted = [...items.values()]
      .filter((item) => item[partitionKey] !== undefined && item[sortKey] !== undefined)
      .filter((item) => conditionHolds(item, input.KeyConditionExpression!, expression))
      .sort((a, b) => (String(a[sortKey]) < String(b[sortKey]) ? -1 : 1));
    if (input.ScanIndexForward === false) sorted.reverse();
    const start = input.ExclusiveStartKey;
    const from = start ? sorted.findIndex((item) => id(item) === id(start)) + 1 : 0;
    const read = sorted.slice(from, from + Math.min(input.Limit ?? Number.POSITIVE_INFINITY, table.pageSize));
    const matching = input.FilterExpression
      ? read.filter((item) => conditionHolds(item, input.FilterExpression!, expression))
      : read;
    const more = from + read.length < sorted.length;
    const last = read.at(-1);
    const lastKey = last && {
      pk: last.pk,
      sk: last.sk,
      ...(input.IndexName ? { [partitionKey]: last[partitionKey], [sortKey]: last[sortKey] } : {}),
    };
    return {
      Items: matching.map((item) => structuredClone(item)),
      LastEvaluatedKey: more ? lastKey : undefined,
    };
  }

  const doc = {
    send: async (command: unknown) => {
      if (command instanceof GetCommand) {
        const item = items.get(id(command.input.Key!));
        return { Item: item && structuredClone(item) };
      }
      if (command instanceof PutCommand || command instanceof UpdateCommand) {
        const kind = command instanceof PutCommand ? 'Put' : 'Update';
        try {
          transact({ TransactItems: [{ [kind]: command.input } as never] });
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          if (error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw error;
          throw new ConditionalCheckFailedException({
            message: 'The conditional request failed',
            $metadata: {},
          });
        }
        return {};
      }
      if (command instanceof BatchGetCommand) {
        const Responses = Object.fromEntries(
          Object.entries(command.input.RequestItems ?? {}).map(([tableName, request]) => [
            tableName,
            (request.Keys ?? []).flatMap((key) => {
              const item = items.get(id(key));
              return item ? [structuredClone(item)] : [];
            }),
          ]),
        );
        return { Responses, UnprocessedKeys: {} };
      }
      if (command instanceof TransactWriteCommand) {
        transact(command.input);
        return {};
      }
      if (command instanceof QueryCommand) return query(command.input);
      throw new Error(`the memory table does not answer ${(command as object).constructor.name}`);
    },
  } as unknown as DynamoDBDocumentClient;

  const table: MemoryTable = {
    name,
    doc,
    pageSize: 1000,
    items,
    transactions,
    put: (item) => items.set(id(item), structuredClone(item)),
    item: (key) => items.get(id(key)),
    failNext: (count) => {
      conflicts = count;
    },
  };
  return table;
}

const pick = (item: Item) => ({ pk: item.pk, sk: item.sk });

const cancelled = (reasons: { Code: string }[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: reasons,
  });
