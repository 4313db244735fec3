import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, epochSeconds } from './clock.js';
import { AppError } from './errors.js';
import type { Table } from './table.js';

/**
 * Idempotency of money-moving requests: the key's record (the request's hash and the answer)
 * is written in the same TransactWriteItems as the effect, so a request either happened with
 * its record or not at all. See docs/idempotency.md.
 */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** What the HTTP layer knows of an idempotent request. */
export interface IdempotencyRequest {
  /** Keys are scoped to the caller: two users may use the same key. */
  scope: string;
  key: string;
  requestHash: string;
}

export interface StoredResponse {
  status: number;
  /** The JSON text of the first answer, replayed byte for byte. */
  body: string;
}

/** An idempotency request plus how to render the operation's result as the stored answer. */
export interface Idempotency<T> extends IdempotencyRequest {
  render(result: T): StoredResponse;
}

/** Thrown when the key was already used for this request: the HTTP layer answers `response`. */
export class IdempotentReplay extends Error {
  constructor(readonly response: StoredResponse) {
    super('idempotent replay');
  }
}

export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request');
  }
}

/** Canonical JSON (sorted keys), so the same body with keys reordered hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const requestHashOf = (routeKey: string, params: unknown, body: unknown): string =>
  createHash('sha256')
    .update(`${routeKey}\n${canonical(params ?? {})}\n${canonical(body ?? null)}`)
    .digest('hex');

export const idempotencyKeyOf = (request: Pick<IdempotencyRequest, 'scope' | 'key'>) => ({
  pk: `IDEMPOTENCY#${request.scope}#${request.key}`,
  sk: 'IDEMPOTENCY',
});

/** The record's Put: it succeeds only when the key is new or its previous use has expired. */
export function idempotencyPut<T>(tableName: string, idempotency: Idempotency<T>, result: T, now: Date) {
  const response = idempotency.render(result);
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...idempotencyKeyOf(idempotency),
        requestHash: idempotency.requestHash,
        status: response.status,
        body: response.body,
        createdAt: now.toISOString(),
        expiresAt: epochSeconds(now) + IDEMPOTENCY_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': epochSeconds(now) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}

/** The answer to give for a key that was already used, from its stored record. */
export function replayOf(record: Record<string, unknown>, requestHash: string): IdempotentReplay {
  if (record.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  return new IdempotentReplay({ status: Number(record.status), body: String(record.body) });
}

/** The key's live record (a consistent read), or undefined when the key is new or its use expired. */
export async function readIdempotencyRecord(
  table: Table,
  request: Pick<IdempotencyRequest, 'scope' | 'key'>,
  now: Date,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: idempotencyKeyOf(request), ConsistentRead: true }),
  );
  return Item && Number(Item.expiresAt) >= epochSeconds(now) ? Item : undefined;
}

/**
 * Runs a keyed operation so that the key's first answer wins over any refusal. A refusal (a 4xx
 * from a state check: the hold is no longer active, the review exists) may be caused by this
 * key's own earlier request, so before answering it the key's record is read: the record is
 * written in the same transaction as the effect, so a committed first request is always seen.
 * Fresh requests pay nothing extra; only refusals cost one read.
 */
export async function firstAnswerWins<T>(
  table: () => Table,
  clock: Clock,
  request: IdempotencyRequest | undefined,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!request || !(error instanceof AppError) || error.status >= 500) throw error;
    const record = await readIdempotencyRecord(table(), request, clock.now());
    if (record) throw replayOf(record, request.requestHash);
    throw error;
  }
}
