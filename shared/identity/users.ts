import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '#platform/clock.js';
import type { Principal } from '#platform/http/principal.js';
import { newId } from '#platform/ids.js';
import type { Table } from '#platform/table.js';
import { type IssuedKey, issueKey, sameHash } from './api-key.js';

export type Role = Principal['role'];

export interface User {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
}

export const userKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' });
export const keyByHash = (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' });
export const keyOfUser = (userId: string, keyId: string) => ({ pk: `USER#${userId}`, sk: `KEY#${keyId}` });

/** The two items of a key: the lookup by hash (authorizer) and the owner's listing entry. */
export function keyItems(user: Pick<User, 'id' | 'role'>, key: IssuedKey, createdAt: string) {
  return [
    { ...keyByHash(key.hash), userId: user.id, role: user.role, keyId: key.keyId },
    {
      ...keyOfUser(user.id, key.keyId),
      type: 'key',
      keyId: key.keyId,
      prefix: key.prefix,
      hash: key.hash,
      createdAt,
    },
  ];
}

/** Creates a user with a first API key in one transaction; the key is returned once. */
export async function createUser(
  table: Table,
  input: { name: string; role: Role; id?: string; key?: IssuedKey },
  clock: Clock = systemClock,
): Promise<{ user: User; apiKey: string }> {
  const createdAt = clock.now().toISOString();
  const user: User = { id: input.id ?? newId('usr'), name: input.name, role: input.role, createdAt };
  const key = input.key ?? issueKey();
  await table.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: table.name,
            Item: { ...userKey(user.id), type: 'user', ...user },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...keyItems(user, key, createdAt).map((Item) => ({
          Put: { TableName: table.name, Item, ConditionExpression: 'attribute_not_exists(pk)' },
        })),
      ],
    }),
  );
  return { user, apiKey: key.secret };
}

export async function getUser(table: Table, userId: string): Promise<User | undefined> {
  const { Item } = await table.doc.send(new GetCommand({ TableName: table.name, Key: userKey(userId) }));
  return Item
    ? {
        id: String(Item.id),
        name: String(Item.name),
        role: Item.role as Role,
        createdAt: String(Item.createdAt),
      }
    : undefined;
}

/** The principal a key stands for, or undefined when it is unknown or revoked (revocation deletes the lookup item). */
export async function resolveKey(table: Table, hash: string): Promise<Principal | undefined> {
  const { Item } = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: keyByHash(hash), ConsistentRead: true }),
  );
  if (!Item || !sameHash(String(Item.pk), keyByHash(hash).pk)) return undefined;
  return { userId: String(Item.userId), role: Item.role as Role, keyId: String(Item.keyId) };
}
