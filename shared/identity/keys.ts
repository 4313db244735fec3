import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#platform/clock.js';
import { ConflictError, NotFoundError } from '#platform/errors.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import type { Table } from '#platform/table.js';
import { Transaction } from '#platform/transaction.js';
import { issueKey } from './api-key.js';
import { keyByHash, keyItems, keyOfUser, type User } from './users.js';

export interface KeySummary {
  keyId: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/** At most this many keys, live or revoked, per user: listings stay one page and abuse stays bounded. */
export const MAX_KEYS_PER_USER = 20;

const summaryOf = (item: Record<string, unknown>): KeySummary => ({
  keyId: String(item.keyId),
  prefix: String(item.prefix),
  createdAt: String(item.createdAt),
  revokedAt: item.revokedAt ? String(item.revokedAt) : null,
});

export function listKeys(
  table: Table,
  userId: string,
  page: { limit: number; cursor?: string } = { limit: MAX_KEYS_PER_USER },
): Promise<Page<KeySummary>> {
  return queryPage(
    table,
    {
      partitionKeyName: 'pk',
      partitionKey: `USER#${userId}`,
      sortKeyCondition: { expression: 'begins_with(sk, :key)', values: { ':key': 'KEY#' } },
    },
    page,
    summaryOf,
  );
}

/** A new key for the user; the secret is in the answer only. */
export async function createKey(
  table: Table,
  user: Pick<User, 'id' | 'role'>,
  clock: Clock,
): Promise<KeySummary & { apiKey: string }> {
  const existing = await listKeys(table, user.id);
  if (existing.items.length >= MAX_KEYS_PER_USER) {
    throw new ConflictError(
      'too_many_keys',
      `A user may have at most ${MAX_KEYS_PER_USER} keys; delete revoked ones first`,
    );
  }
  const key = issueKey();
  const createdAt = clock.now().toISOString();
  const tx = new Transaction(table);
  for (const Item of keyItems(user, key, createdAt)) {
    tx.add({ Put: { TableName: table.name, Item, ConditionExpression: 'attribute_not_exists(pk)' } });
  }
  await tx.commit();
  return { keyId: key.keyId, prefix: key.prefix, createdAt, revokedAt: null, apiKey: key.secret };
}

/** Revokes one of the user's keys: the authorizer's lookup item goes, the listing keeps the record. */
export async function revokeKey(table: Table, userId: string, keyId: string, clock: Clock): Promise<void> {
  const { Item } = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: keyOfUser(userId, keyId) }),
  );
  if (!Item) throw new NotFoundError('key');
  if (Item.revokedAt) return; // revoking twice is a no-op: DELETE is idempotent
  await new Transaction(table)
    .add({ Delete: { TableName: table.name, Key: keyByHash(String(Item.hash)) } })
    .add(
      {
        Update: {
          TableName: table.name,
          Key: keyOfUser(userId, keyId),
          UpdateExpression: 'SET revokedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':now': clock.now().toISOString() },
        },
      },
      () => new ConflictError('key_revoked', 'The key was revoked meanwhile'),
    )
    .commit();
}
