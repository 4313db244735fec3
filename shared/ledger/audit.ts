import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Micro } from '#platform/money.js';
import { BALANCE_INDEX_SHARDS, isSystemAccount } from './account.js';
import type { LedgerDeps } from './ledger.js';

export interface LedgerAudit {
  sumOfBalances: Micro;
  accounts: number;
  negativeBalances: { accountId: string; balance: Micro; available: Micro }[];
  checkedAt: string;
}

interface BalanceRow {
  accountId: string;
  balance: Micro;
  available: Micro | undefined;
}

async function readShard(deps: LedgerDeps, shard: number): Promise<BalanceRow[]> {
  const rows: BalanceRow[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.table.doc.send(
      new QueryCommand({
        TableName: deps.table.name,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `BALANCES#${shard}` },
        ProjectionExpression: 'accountId, balance, available',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      rows.push({
        accountId: String(item.accountId),
        balance: BigInt((item.balance ?? 0n) as bigint),
        available: item.available === undefined ? undefined : BigInt(item.available as bigint),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return rows;
}

/**
 * The ledger's invariants over every account item, read through the balances index in
 * parallel partitions: the sum of all posted balances is exactly zero, and no user account
 * is negative. The index trails the table by a moment on AWS, so a non-zero sum is read again
 * a few times before it is reported (a transfer in flight is not drift).
 */
export async function auditLedger(
  deps: LedgerDeps,
  options: { settleAttempts?: number; settleDelayMs?: number } = {},
): Promise<LedgerAudit> {
  const { settleAttempts = 3, settleDelayMs = 300 } = options;
  for (let attempt = 1; ; attempt++) {
    const shards = await Promise.all(
      Array.from({ length: BALANCE_INDEX_SHARDS }, (_, shard) => readShard(deps, shard)),
    );
    const rows = shards.flat();
    const sumOfBalances = rows.reduce((sum, row) => sum + row.balance, 0n);
    if (sumOfBalances === 0n || attempt >= settleAttempts) {
      return {
        sumOfBalances,
        accounts: rows.length,
        negativeBalances: rows
          .filter(
            (row) => !isSystemAccount(row.accountId) && (row.balance < 0n || (row.available ?? 0n) < 0n),
          )
          .map((row) => ({ accountId: row.accountId, balance: row.balance, available: row.available ?? 0n })),
        checkedAt: deps.clock.now().toISOString(),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, settleDelayMs));
  }
}
