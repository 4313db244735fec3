import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#platform/clock.js';
import type { Principal } from '#platform/http/principal.js';
import { type Table, unmarshallItem } from '#platform/table.js';
import { sameHash } from './api-key.js';
import { keyByHash, type Role } from './users.js';

/** A token bucket: `burst` requests at once, refilled at `ratePerSecond`. */
export interface KeyLimits {
  ratePerSecond: number;
  burst: number;
}

export type KeyVerdict =
  | { kind: 'admitted'; principal: Principal }
  | { kind: 'unknown' }
  | { kind: 'throttled' };

type Outcome = { updated: boolean; item: Record<string, unknown> | undefined };

async function update(table: Table, input: Omit<UpdateCommandInput, 'TableName'>): Promise<Outcome> {
  try {
    const { Attributes } = await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        ...input,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { updated: true, item: Attributes };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return { updated: false, item: error.Item ? unmarshallItem(error.Item) : undefined };
  }
}

/**
 * Resolves a key and takes one of its tokens in the same request: the bucket lives on the key's
 * lookup item (revocation deletes both). It is kept as GCRA's theoretical arrival time `rateTat`
 * (ms): a request is admitted while `rateTat <= now + (burst - 1) * interval`, and moves it to
 * `max(rateTat, now) + interval` — the token bucket's exact rule. DynamoDB has no `max`, so the
 * two sides are two conditional updates: an idle bucket (the usual case) costs one, a key
 * within its burst two (the first failure returns the item), a refused one one.
 */
export async function admitKey(
  table: Table,
  hash: string,
  limits: KeyLimits,
  clock: Clock,
): Promise<KeyVerdict> {
  const now = clock.now().getTime();
  const interval = 1000 / limits.ratePerSecond;
  const latest = now + (limits.burst - 1) * interval;
  const Key = keyByHash(hash);
  const idle = await update(table, {
    Key,
    UpdateExpression: 'SET rateTat = :next',
    ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(rateTat) OR rateTat <= :now)',
    ExpressionAttributeValues: { ':next': now + interval, ':now': now },
  });
  if (idle.updated) return admitted(idle.item, hash);
  if (!idle.item) return { kind: 'unknown' };
  if (Number(idle.item.rateTat) > latest) return { kind: 'throttled' };
  const busy = await update(table, {
    Key,
    UpdateExpression: 'SET rateTat = rateTat + :interval',
    ConditionExpression: 'attribute_exists(pk) AND rateTat <= :latest',
    ExpressionAttributeValues: { ':interval': interval, ':latest': latest },
  });
  if (busy.updated) return admitted(busy.item, hash);
  return busy.item ? { kind: 'throttled' } : { kind: 'unknown' };
}

function admitted(item: Record<string, unknown> | undefined, hash: string): KeyVerdict {
  if (!item || !sameHash(String(item.pk), keyByHash(hash).pk)) return { kind: 'unknown' };
  return {
    kind: 'admitted',
    principal: { userId: String(item.userId), role: item.role as Role, keyId: String(item.keyId) },
  };
}
