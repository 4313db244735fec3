import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Micro } from '#platform/money.js';
import { BALANCE_INDEX_SHARDS, isSystemAccount } from './account.js';
import { ACTIVE_HOLD_PARTITIONS } from './holds.js';
import type { LedgerDeps } from './ledger.js';

export interface LedgerAudit {
  sumOfBalances: Micro;
  accounts: number;
  negativeBalances: { accountId: string; balance: Micro; available: Micro }[];
  /** User accounts whose `held` is not the sum of their active holds. */
  heldMismatches: { accountId: string; held: Micro; activeHolds: Micro }[];
  checkedAt: string;
}

interface BalanceRow {
  accountId: string;
  balance: Micro;
  held: Micro;
  available: Micro | undefined;
}

const micro = (value: unknown): Micro => BigInt((value ?? 0n) as bigint);

/** Every item of one index partition, page by page; stops at the next page once `signal` aborts. */
async function readPartition(
  deps: LedgerDeps,
  query: { index: string; keyName: string; key: string; projection: string },
  signal?: AbortSignal,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    signal?.throwIfAborted();
    const page = await deps.table.doc.send(
      new QueryCommand({
        TableName: deps.table.name,
        IndexName: query.index,
        KeyConditionExpression: `${query.keyName} = :pk`,
        ExpressionAttributeValues: { ':pk': query.key },
        ProjectionExpression: query.projection,
        ExclusiveStartKey: start,
      }),
      { abortSignal: signal },
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function readBalances(deps: LedgerDeps, signal?: AbortSignal): Promise<BalanceRow[]> {
  const shards = await Promise.all(
    Array.from({ length: BALANCE_INDEX_SHARDS }, (_, shard) =>
      readPartition(
        deps,
        {
          index: 'gsi1',
          keyName: 'gsi1pk',
          key: `BALANCES#${shard}`,
          projection: 'accountId, balance, held, available',
        },
        signal,
      ),
    ),
  );
  return shards.flat().map((item) => ({
    accountId: String(item.accountId),
    balance: micro(item.balance),
    held: micro(item.held),
    available: item.available === undefined ? undefined : micro(item.available),
  }));
}

/** The sum of every active hold (lapsed or not: a hold reserves until it is resolved), per owner. */
async function activeHoldsByOwner(deps: LedgerDeps, signal?: AbortSignal): Promise<Map<string, Micro>> {
  const partitions = await Promise.all(
    ACTIVE_HOLD_PARTITIONS.map((key) =>
      readPartition(deps, { index: 'gsi3', keyName: 'gsi3pk', key, projection: 'ownerId, amount' }, signal),
    ),
  );
  const sums = new Map<string, Micro>();
  for (const item of partitions.flat()) {
    const owner = String(item.ownerId);
    sums.set(owner, (sums.get(owner) ?? 0n) + micro(item.amount));
  }
  return sums;
}

function heldMismatchesOf(rows: BalanceRow[], holds: Map<string, Micro>): LedgerAudit['heldMismatches'] {
  const mismatches: LedgerAudit['heldMismatches'] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (isSystemAccount(row.accountId)) continue;
    seen.add(row.accountId);
    const activeHolds = holds.get(row.accountId) ?? 0n;
    if (row.held !== activeHolds) mismatches.push({ accountId: row.accountId, held: row.held, activeHolds });
  }
  for (const [accountId, activeHolds] of holds) {
    if (!seen.has(accountId)) mismatches.push({ accountId, held: 0n, activeHolds });
  }
  return mismatches;
}

/**
 * The ledger's invariants over every account item, read through the balances index in
 * parallel partitions: the sum of all posted balances is exactly zero, no user account is
 * negative, and each user's `held` is the sum of their active holds. The indexes trail the
 * table by a moment on AWS, so a failing read is read again a few times before it is reported
 * (a transfer or a hold in flight is not drift). `signal` abandons the audit at its next page.
 */
export async function auditLedger(
  deps: LedgerDeps,
  options: { settleAttempts?: number; settleDelayMs?: number; signal?: AbortSignal } = {},
): Promise<LedgerAudit> {
  const { settleAttempts = 3, settleDelayMs = 300, signal } = options;
  for (let attempt = 1; ; attempt++) {
    const [rows, holds] = await Promise.all([readBalances(deps, signal), activeHoldsByOwner(deps, signal)]);
    const sumOfBalances = rows.reduce((sum, row) => sum + row.balance, 0n);
    const heldMismatches = heldMismatchesOf(rows, holds);
    if ((sumOfBalances === 0n && heldMismatches.length === 0) || attempt >= settleAttempts) {
      return {
        sumOfBalances,
        accounts: rows.length,
        negativeBalances: rows
          .filter(
            (row) => !isSystemAccount(row.accountId) && (row.balance < 0n || (row.available ?? 0n) < 0n),
          )
          .map((row) => ({ accountId: row.accountId, balance: row.balance, available: row.available ?? 0n })),
        heldMismatches,
        checkedAt: deps.clock.now().toISOString(),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, settleDelayMs));
  }
}
