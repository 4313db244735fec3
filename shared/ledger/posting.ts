import { newId } from '#platform/ids.js';
import type { Micro } from '#platform/money.js';
import type { Transaction } from '#platform/transaction.js';
import { type AccountId, balanceIndexOf, isSystemAccount, postingKey } from './account.js';
import { InsufficientFundsError } from './errors.js';

/** Why money moved: stable codes that the history shows. */
export type Reason =
  | 'grant'
  | 'transfer'
  | 'hold_capture'
  | 'budget_charge'
  | 'order'
  | 'order_fee'
  | 'refund'
  | 'workflow_phase'
  | 'network_payment'
  | 'network_fee'
  | 'stake_slash';

export interface Transfer {
  id: string;
  from: AccountId;
  to: AccountId;
  amount: Micro;
  reason: Reason;
  memo?: string;
  holdId?: string;
  /** What the transfer belongs to, e.g. an order or a budget charge. */
  reference?: string;
  createdAt: string;
}

interface AccountDelta {
  balance: Micro;
  held: Micro;
  available: Micro;
}

/**
 * A set of ledger movements applied as legs of one transaction. Movements of one account are
 * netted into a single update (an item may appear only once in a DynamoDB transaction), and
 * every debit of a user account carries the condition that its available balance covers it.
 */
export class Posting {
  readonly transfers: Transfer[] = [];
  private readonly deltas = new Map<AccountId, AccountDelta>();

  constructor(private readonly now: Date) {}

  private delta(account: AccountId): AccountDelta {
    let found = this.deltas.get(account);
    if (!found) {
      found = { balance: 0n, held: 0n, available: 0n };
      this.deltas.set(account, found);
    }
    return found;
  }

  /** Moves `amount` from one account to another: a debit and a credit of one immutable transfer. */
  move(input: Omit<Transfer, 'id' | 'createdAt'> & { id?: string }): Transfer {
    if (input.amount <= 0n) throw new Error('a transfer moves a positive amount');
    if (input.from === input.to) throw new Error('a transfer needs two accounts');
    const transfer: Transfer = { ...input, id: input.id ?? newId('tr'), createdAt: this.now.toISOString() };
    const from = this.delta(input.from);
    from.balance -= input.amount;
    from.available -= input.amount;
    const to = this.delta(input.to);
    to.balance += input.amount;
    to.available += input.amount;
    this.transfers.push(transfer);
    return transfer;
  }

  /** Reserves part of a user's available balance (a pending debit). */
  hold(account: AccountId, amount: Micro): this {
    const delta = this.delta(account);
    delta.held += amount;
    delta.available -= amount;
    return this;
  }

  /** Returns a reservation (captured or released). */
  unhold(account: AccountId, amount: Micro): this {
    const delta = this.delta(account);
    delta.held -= amount;
    delta.available += amount;
    return this;
  }

  /** Adds the account updates and the transfer entries to `tx`. */
  applyTo(tx: Transaction, tableName: string): Transaction {
    const now = this.now.toISOString();
    for (const [account, delta] of this.deltas) {
      if (delta.balance === 0n && delta.held === 0n && delta.available === 0n) continue;
      if (isSystemAccount(account)) {
        const key = postingKey(account);
        // System accounts have no holds and no floor (mint goes negative as it issues).
        tx.add({
          Update: {
            TableName: tableName,
            Key: key,
            UpdateExpression:
              'SET accountId = :id, updatedAt = :now, gsi1pk = :g1pk, gsi1sk = :g1sk ADD balance :b',
            ExpressionAttributeValues: {
              ':id': account,
              ':now': now,
              ':b': delta.balance,
              ...indexValues(key.pk),
            },
          },
        });
        continue;
      }
      const key = postingKey(account);
      const needsFunds = delta.available < 0n;
      tx.add(
        {
          Update: {
            TableName: tableName,
            Key: key,
            UpdateExpression:
              'SET accountId = :id, updatedAt = :now, gsi1pk = :g1pk, gsi1sk = :g1sk, ' +
              'balance = if_not_exists(balance, :zero) + :b, held = if_not_exists(held, :zero) + :h, ' +
              'available = if_not_exists(available, :zero) + :a',
            ...(needsFunds ? { ConditionExpression: 'available >= :need' } : {}),
            ExpressionAttributeValues: {
              ':id': account,
              ':now': now,
              ':zero': 0n,
              ':b': delta.balance,
              ':h': delta.held,
              ':a': delta.available,
              ...(needsFunds ? { ':need': -delta.available } : {}),
              ...indexValues(key.pk),
            },
          },
        },
        () => new InsufficientFundsError(account),
      );
    }
    for (const transfer of this.transfers) {
      for (const side of ['debit', 'credit'] as const) {
        const account = side === 'debit' ? transfer.from : transfer.to;
        tx.add({
          Put: {
            TableName: tableName,
            Item: {
              pk: entryPartition(account, this.now),
              sk: `ENTRY#${transfer.id}`,
              type: 'entry',
              side,
              ...transfer,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
    }
    return tx;
  }
}

const indexValues = (pk: string) => {
  const index = balanceIndexOf(pk);
  return { ':g1pk': index.gsi1pk, ':g1sk': index.gsi1sk };
};

/** A user's history is their own partition; a system account's entries go in one partition per day. */
export const entryPartition = (account: AccountId, at: Date): string =>
  isSystemAccount(account) ? `ENTRIES#${account}#${at.toISOString().slice(0, 10)}` : `ENTRIES#${account}`;
