import { createHash, randomInt } from 'node:crypto';

/**
 * Accounts: one per user, and the system accounts that make the books balance. System accounts
 * are touched by many transactions, so each is split into shard items picked at random and
 * summed when read (a single hot item would make concurrent transactions conflict on AWS).
 */
export const SYSTEM_ACCOUNTS = ['mint', 'fees', 'revenue'] as const;
export type SystemAccount = (typeof SYSTEM_ACCOUNTS)[number];
export type AccountId = string; // a user id (`usr_...`) or a system account name

export const SYSTEM_SHARDS = 8;
/** Partitions of the balances index that the audit reads in parallel. */
export const BALANCE_INDEX_SHARDS = 16;

export const isSystemAccount = (id: AccountId): id is SystemAccount =>
  (SYSTEM_ACCOUNTS as readonly string[]).includes(id);

export const accountItemKey = (id: AccountId, shard?: number) => ({
  pk: shard === undefined ? `ACCOUNT#${id}` : `ACCOUNT#${id}#${shard}`,
  sk: 'ACCOUNT',
});

/** Where a posting to this account lands: the user's item, or a random shard of a system account. */
export const postingKey = (id: AccountId) =>
  isSystemAccount(id) ? accountItemKey(id, randomInt(SYSTEM_SHARDS)) : accountItemKey(id);

export const shardKeys = (id: SystemAccount) =>
  Array.from({ length: SYSTEM_SHARDS }, (_, shard) => accountItemKey(id, shard));

/** Every account item is also in the balances index, spread over a few partitions. */
export function balanceIndexOf(pk: string) {
  const shard = createHash('sha256').update(pk).digest().readUInt16BE(0) % BALANCE_INDEX_SHARDS;
  return { gsi1pk: `BALANCES#${shard}`, gsi1sk: pk };
}
