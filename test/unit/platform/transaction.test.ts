import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { UnavailableError } from '#platform/errors.js';
import { type RetryPolicy, Transaction } from '#platform/transaction.js';

/**
 * TransactionConflict never happens against the local AWS (it serialises DynamoDB), so this
 * branch is exercised with a stubbed client: the only place in the suite where AWS is mocked.
 */
const conflict = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
  });

function stubTable(outcomes: (Error | 'ok')[]) {
  const calls: unknown[] = [];
  const doc = {
    send: async (command: unknown) => {
      calls.push(command);
      const next = outcomes.shift() ?? 'ok';
      if (next !== 'ok') throw next;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { table: { name: 't', doc }, calls };
}

const sleeps: number[] = [];
const retry: RetryPolicy = { attempts: 4, baseDelayMs: 10, sleep: async (ms) => void sleeps.push(ms) };

const oneItem = (tx: Transaction) =>
  tx.add({
    ConditionCheck: {
      TableName: 't',
      Key: { pk: 'a', sk: 'b' },
      ConditionExpression: 'attribute_exists(pk)',
    },
  });

describe('Transaction: conflicts with concurrent transactions', () => {
  it('retries a conflict with jittered, growing backoff and then succeeds', async () => {
    sleeps.length = 0;
    const { table, calls } = stubTable([conflict(), conflict(), 'ok']);
    await oneItem(new Transaction(table)).commit(retry);
    expect(calls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThanOrEqual(20);
    expect(sleeps[1]).toBeLessThanOrEqual(40);
  });

  it('gives up after the bounded number of attempts with a retryable 503', async () => {
    const { table, calls } = stubTable([conflict(), conflict(), conflict(), conflict(), conflict()]);
    const error = await oneItem(new Transaction(table))
      .commit(retry)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).status).toBe(503);
    expect((error as UnavailableError).headers['retry-after']).toBe('1');
    expect(calls).toHaveLength(4);
  });

  it('maps a failed condition to the error its leg declared, without retrying', async () => {
    const failed = new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
    });
    const { table, calls } = stubTable([failed]);
    const tx = new Transaction(table).add(
      { ConditionCheck: { TableName: 't', Key: { pk: 'a', sk: 'b' }, ConditionExpression: 'x' } },
      () => new Error('the domain error'),
    );
    await expect(tx.commit(retry)).rejects.toThrow('the domain error');
    expect(calls).toHaveLength(1);
  });
});
