import { type Clock, systemClock } from '#platform/clock.js';
import { type Table, table } from '#platform/table.js';
import { defaultRetry, type RetryPolicy, type Transaction } from '#platform/transaction.js';
import { userKey } from '#shared/identity/users.js';
import { UnknownAccountError } from './errors.js';

/** What ledger operations depend on, passed in (tests give their own table and clock). */
export interface LedgerDeps {
  table: Table;
  clock: Clock;
  retry: RetryPolicy;
}

let deps: LedgerDeps | undefined;
/** The ledger's dependencies in a Lambda, built once per container. */
export const ledgerDeps = (): LedgerDeps => {
  deps ??= { table: table(), clock: systemClock, retry: defaultRetry };
  return deps;
};

/** A condition that a user exists, as a leg of the same transaction (no read before the write). */
export function requireUser(tx: Transaction, deps: LedgerDeps, userId: string, path: string): Transaction {
  return tx.add(
    {
      ConditionCheck: {
        TableName: deps.table.name,
        Key: userKey(userId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    () => new UnknownAccountError(path),
  );
}
