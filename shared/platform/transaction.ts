import { type AttributeValue, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from './errors.js';
import { type Idempotency, idempotencyPut, readIdempotencyRecord, replayOf } from './idempotency.js';
import { type Table, unmarshallItem } from './table.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Turns a failed condition of one item into the domain error it means. */
export type ConditionFailure = (existing?: Record<string, unknown>) => Error;

/** DynamoDB's limit on items in one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  sleep(ms: number): Promise<void>;
}

export const defaultRetry: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 25,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * One all-or-nothing write: legs from any capability (ledger, budgets, orders) plus the
 * idempotency record. Every condition maps back to a domain error; a conflict with a concurrent
 * transaction is retried with jittered backoff, a bounded number of times.
 */
export class Transaction {
  private readonly items: { item: TransactItem; onConditionFailed: ConditionFailure | undefined }[] = [];
  private idempotencyIndex = -1;
  private idempotencyRequest: { idempotency: Idempotency<unknown>; now: Date } | undefined;

  constructor(private readonly table: Table) {}

  get size(): number {
    return this.items.length;
  }

  add(item: TransactItem, onConditionFailed?: ConditionFailure): this {
    this.items.push({ item, onConditionFailed });
    return this;
  }

  /** Records `result` as the key's answer in this same transaction. */
  idempotent<T>(idempotency: Idempotency<T> | undefined, result: T, now: Date): this {
    if (!idempotency) return this;
    this.idempotencyIndex = this.items.length;
    this.idempotencyRequest = { idempotency: idempotency as Idempotency<unknown>, now };
    return this.add(idempotencyPut(this.table.name, idempotency, result, now));
  }

  async commit(retry: RetryPolicy = defaultRetry): Promise<void> {
    if (this.items.length > MAX_TRANSACTION_ITEMS)
      throw new Error(`a transaction holds at most ${MAX_TRANSACTION_ITEMS} items`);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.table.doc.send(
          new TransactWriteCommand({ TransactItems: this.items.map((entry) => entry.item) }),
        );
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        // A conflict with a concurrent transaction, or a throttled item: nothing was written, try again.
        const retryable = reasons.some(
          (r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError',
        );
        if (!retryable) throw await this.failureOf(reasons, error);
        if (attempt >= retry.attempts)
          throw new UnavailableError('Too much contention on these accounts, retry shortly');
        await retry.sleep(Math.random() * retry.baseDelayMs * 2 ** attempt);
      }
    }
  }

  private async failureOf(
    reasons: { Code?: string; Item?: Record<string, AttributeValue> }[],
    error: Error,
  ): Promise<Error> {
    const failed = (index: number) => reasons[index]?.Code === 'ConditionalCheckFailed';
    // A used key wins over every other reason: the first request's answer is the answer.
    if (this.idempotencyRequest && failed(this.idempotencyIndex)) {
      const returned = reasons[this.idempotencyIndex]?.Item;
      const { idempotency, now } = this.idempotencyRequest;
      const record = returned
        ? unmarshallItem(returned)
        : await readIdempotencyRecord(this.table, idempotency, now);
      if (record) return replayOf(record, idempotency.requestHash);
    }
    const index = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
    const mapped = this.items[index]?.onConditionFailed;
    if (mapped) {
      const returned = reasons[index]?.Item;
      return mapped(returned ? unmarshallItem(returned) : undefined);
    }
    return error;
  }
}
