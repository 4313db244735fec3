import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '#platform/table.js';
import { useTestResources } from '../support/resources.js';

/**
 * The local AWS must be as strict as DynamoDB under concurrency, or every "never overspends"
 * test below it proves nothing: moto alone let 107 of 200 decrements of a balance of 100 through.
 */
let table: Table;

beforeAll(async () => {
  ({ table } = await useTestResources(import.meta.filename));
});

const put = (pk: string, balance: number) =>
  table.doc.send(new PutCommand({ TableName: table.name, Item: { pk, sk: 'ACCOUNT', balance } }));

const balanceOf = async (pk: string) => {
  const { Item } = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: { pk, sk: 'ACCOUNT' }, ConsistentRead: true }),
  );
  return Number(Item?.balance);
};

const outcomes = async (attempts: Promise<unknown>[]) => {
  const settled = await Promise.allSettled(attempts);
  const failures = settled
    .filter((s) => s.status === 'rejected')
    .map((s) => (s as PromiseRejectedResult).reason as Error);
  return { succeeded: settled.length - failures.length, failureNames: new Set(failures.map((f) => f.name)) };
};

describe('Local AWS: DynamoDB under concurrency', () => {
  it('admits exactly 100 of 200 concurrent conditional decrements of a balance of 100', async () => {
    await put('ACC#solo', 100);
    const { succeeded, failureNames } = await outcomes(
      Array.from({ length: 200 }, () =>
        table.doc.send(
          new UpdateCommand({
            TableName: table.name,
            Key: { pk: 'ACC#solo', sk: 'ACCOUNT' },
            UpdateExpression: 'SET balance = balance - :one',
            ConditionExpression: 'balance >= :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      ),
    );
    expect(succeeded).toBe(100);
    expect([...failureNames]).toEqual(['ConditionalCheckFailedException']);
    expect(await balanceOf('ACC#solo')).toBe(0);
  });

  it('admits exactly 100 of 200 concurrent two-account transfers from a balance of 100, and the books balance', async () => {
    await Promise.all([put('ACC#payer', 100), put('ACC#payee', 0)]);
    const transfer = () =>
      table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table.name,
                Key: { pk: 'ACC#payer', sk: 'ACCOUNT' },
                UpdateExpression: 'SET balance = balance - :one',
                ConditionExpression: 'balance >= :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
            {
              Update: {
                TableName: table.name,
                Key: { pk: 'ACC#payee', sk: 'ACCOUNT' },
                UpdateExpression: 'SET balance = balance + :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
    const { succeeded, failureNames } = await outcomes(Array.from({ length: 200 }, transfer));
    expect(succeeded).toBe(100);
    expect([...failureNames]).toEqual(['TransactionCanceledException']);
    expect(await balanceOf('ACC#payer')).toBe(0);
    expect(await balanceOf('ACC#payee')).toBe(100);
  });
});
