import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '#platform/batch-get.js';
import { NotFoundError } from '#platform/errors.js';
import { type Principal, readableOwner } from '#platform/http/principal.js';
import type { Micro } from '#platform/money.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import { getUser } from '#shared/identity/users.js';
import { type AccountId, accountItemKey, isSystemAccount, shardKeys } from './account.js';
import { lapsedHoldTotal } from './holds.js';
import type { LedgerDeps } from './ledger.js';
import { entryPartition, type Transfer } from './posting.js';

export interface AccountView {
  userId: AccountId;
  balance: Micro;
  held: Micro;
  available: Micro;
}

const micro = (value: unknown): Micro => (value === undefined ? 0n : BigInt(value as bigint));

/** A user's figures; holds past their expiry no longer reserve anything, resolved or not. */
export async function getAccount(deps: LedgerDeps, userId: string): Promise<AccountView> {
  const [{ Item }, lapsed] = await Promise.all([
    deps.table.doc.send(
      new GetCommand({ TableName: deps.table.name, Key: accountItemKey(userId), ConsistentRead: true }),
    ),
    lapsedHoldTotal(deps, userId),
  ]);
  const balance = micro(Item?.balance);
  const held = micro(Item?.held) - lapsed;
  return { userId, balance, held, available: balance - held };
}

/** A system account's balance: the sum of its shards. */
export async function systemBalance(deps: LedgerDeps, account: AccountId): Promise<Micro> {
  if (!isSystemAccount(account)) throw new Error(`${account} is not a system account`);
  const keys = shardKeys(account);
  const read = await batchGet(deps.table, keys);
  return keys.reduce((sum, key) => sum + micro(read.get(key)?.balance), 0n);
}

export type Entry = Transfer & { side: 'debit' | 'credit' };

/** A user's transfers, newest first. */
export function history(
  deps: LedgerDeps,
  userId: string,
  page: { limit: number; cursor?: string },
): Promise<Page<Entry>> {
  return queryPage(
    deps.table,
    {
      partitionKeyName: 'pk',
      partitionKey: entryPartition(userId, deps.clock.now()),
      sortKeyCondition: { expression: 'begins_with(sk, :entry)', values: { ':entry': 'ENTRY#' } },
      newestFirst: true,
    },
    page,
    (item) => ({
      id: String(item.id),
      side: item.side as Entry['side'],
      from: String(item.from),
      to: String(item.to),
      amount: micro(item.amount),
      reason: item.reason as Entry['reason'],
      createdAt: String(item.createdAt),
      ...(item.memo ? { memo: String(item.memo) } : {}),
      ...(item.holdId ? { holdId: String(item.holdId) } : {}),
      ...(item.reference ? { reference: String(item.reference) } : {}),
    }),
  );
}

/** A user's account as `principal` may see it: their own, or anyone's for an admin; others are 404. */
export async function accountFor(
  deps: LedgerDeps,
  principal: Principal,
  userId: string,
): Promise<AccountView> {
  const owner = readableOwner(principal, userId, () => new NotFoundError('account'));
  if (!(await getUser(deps.table, owner))) throw new NotFoundError('account');
  return getAccount(deps, owner);
}
