import { randomInt } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Idempotency } from '#platform/idempotency.js';
import { newId } from '#platform/ids.js';
import { itemCodec, storedMicro, storedString } from '#platform/item-codec.js';
import type { Micro } from '#platform/money.js';
import type { Page } from '#platform/pagination.js';
import { queryAll, queryPage } from '#platform/query-page.js';
import { Transaction } from '#platform/transaction.js';
import { updateExpression } from '#platform/update-expression.js';
import { releaseLeg, reservationRefusal, reserveLeg } from '#shared/budgets/reservations.js';
import { outboxPut } from '#shared/notifications/outbox.js';
import type { AccountId } from './account.js';
import {
  CaptureExceedsHoldError,
  HoldNotActiveError,
  HoldNotFoundError,
  InsufficientFundsError,
  SelfTransferError,
} from './errors.js';
import { holdExpiredEvent } from './hold-view.js';
import { type LedgerDeps, requireUser } from './ledger.js';
import { Posting, type Transfer } from './posting.js';

/**
 * Holds are pending debits (TigerBeetle's two-phase transfers): reserved now, then captured in
 * part or whole, released, or expired. A hold resolves exactly once: every resolution is
 * conditioned on `status = active`.
 */
export type HoldStatus = 'active' | 'captured' | 'released' | 'expired';

export interface Hold {
  id: string;
  ownerId: string;
  payee: AccountId;
  amount: Micro;
  /** `active` past its expiry is reported as `expired`: it no longer reserves anything. */
  status: HoldStatus;
  expiresAt: string;
  createdAt: string;
  capturedAmount?: Micro;
  captureTransferId?: string;
  resolvedAt?: string;
  budgetId?: string;
  category?: string;
}

const EXPIRY_SHARDS = 4;
/** The index partitions that hold every active hold (by expiry): the audit sums them. */
export const ACTIVE_HOLD_PARTITIONS = Array.from(
  { length: EXPIRY_SHARDS },
  (_, shard) => `HOLD_EXPIRY#${shard}`,
);
const holdKey = (id: string) => ({ pk: `HOLD#${id}`, sk: 'HOLD' });
const expiryKey = (hold: Pick<Hold, 'expiresAt' | 'id'>) => `${hold.expiresAt}#${hold.id}`;
/** Sort keys at or before `now`: ISO times compare as strings, `~` sorts after every id. */
const expiredBound = (now: Date) => `${now.toISOString()}#~`;

/** A hold item as `addHold` writes it and resolutions update it. */
const decodeHold = itemCodec<Hold>(
  'hold',
  z.object({
    id: storedString,
    ownerId: storedString,
    payee: storedString,
    amount: storedMicro,
    status: z.enum(['active', 'captured', 'released', 'expired']),
    expiresAt: storedString,
    createdAt: storedString,
    capturedAmount: storedMicro.optional(),
    captureTransferId: storedString.optional(),
    resolvedAt: storedString.optional(),
    budgetId: storedString.optional(),
    category: storedString.optional(),
  }),
);

/** The hold as it stands at `now`: `active` past its expiry reads as `expired`. */
function holdOf(item: Record<string, unknown>, now: Date): Hold {
  const hold = decodeHold(item);
  const lapsed = hold.status === 'active' && Date.parse(hold.expiresAt) <= now.getTime();
  return lapsed ? { ...hold, status: 'expired' } : hold;
}

export interface NewHold {
  ownerId: string;
  amount: Micro;
  expiresInSeconds: number;
  payee?: AccountId;
  budgetId?: string;
  category?: string;
}

/**
 * Adds one new hold to `tx` (its item, and the payee check) and its reservation to `posting`,
 * which the caller applies once for all its holds: several holds of one owner net into a single
 * account update, as an item may appear only once in a transaction.
 */
export function addHold(
  deps: LedgerDeps,
  tx: Transaction,
  posting: Posting,
  input: NewHold,
  now: Date,
): Hold {
  const hold: Hold = {
    id: newId('hold'),
    ownerId: input.ownerId,
    payee: input.payee ?? 'revenue',
    amount: input.amount,
    status: 'active',
    expiresAt: new Date(now.getTime() + input.expiresInSeconds * 1000).toISOString(),
    createdAt: now.toISOString(),
    ...(input.budgetId ? { budgetId: input.budgetId, category: input.category } : {}),
  };
  // Refused here, not at capture: a capture to oneself would be a transfer with one account.
  if (input.payee === input.ownerId) throw new SelfTransferError('body.payeeId');
  if (input.payee && input.payee !== 'revenue') requireUser(tx, deps, input.payee, 'body.payeeId');
  tx.add({
    Put: {
      TableName: deps.table.name,
      Item: {
        ...holdKey(hold.id),
        type: 'hold',
        ...hold,
        expiresAtMs: Date.parse(hold.expiresAt),
        gsi1pk: `HOLDS#${hold.ownerId}`,
        gsi1sk: hold.id,
        gsi2pk: `ACTIVE_HOLDS#${hold.ownerId}`,
        gsi2sk: expiryKey(hold),
        gsi3pk: `HOLD_EXPIRY#${randomInt(EXPIRY_SHARDS)}`,
        gsi3sk: expiryKey(hold),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  posting.hold(hold.ownerId, hold.amount);
  return hold;
}

/**
 * One hold on its own, with its budget reservation when it names a budget. (A caller composing
 * several holds on one budget with `addHold`, as a workflow does, reserves their sum once: an
 * item may appear only once in a transaction.)
 */
export async function createHold(
  deps: LedgerDeps,
  input: NewHold,
  idempotency?: Idempotency<Hold>,
): Promise<Hold> {
  const now = deps.clock.now();
  const tx = new Transaction(deps.table);
  if (input.budgetId) {
    // First: its refusal (unknown budget, not a member, no room) is the answer even when the balance is short too.
    const reservation = { budgetId: input.budgetId, memberId: input.ownerId, amount: input.amount };
    tx.add(reserveLeg(deps.table.name, reservation), (item) =>
      reservationRefusal(item, input.ownerId, input.amount),
    );
  }
  const posting = new Posting(now);
  const hold = addHold(deps, tx, posting, input, now);
  posting.applyTo(tx, deps.table.name);
  tx.idempotent(idempotency, hold, now);
  await commitFreeingExpiredHolds(deps, tx, [hold.ownerId]);
  return hold;
}

export async function getHold(deps: LedgerDeps, id: string, ownerId?: string): Promise<Hold> {
  const { Item } = await deps.table.doc.send(
    new GetCommand({ TableName: deps.table.name, Key: holdKey(id), ConsistentRead: true }),
  );
  if (!Item || (ownerId !== undefined && Item.ownerId !== ownerId)) throw new HoldNotFoundError();
  return holdOf(Item, deps.clock.now());
}

export function listHolds(
  deps: LedgerDeps,
  ownerId: string,
  page: { limit: number; cursor?: string },
): Promise<Page<Hold>> {
  const now = deps.clock.now();
  return queryPage(
    deps.table,
    { index: 'gsi1', partitionKeyName: 'gsi1pk', partitionKey: `HOLDS#${ownerId}`, newestFirst: true },
    page,
    (item) => holdOf(item, now),
  );
}

/** A payment on from the hold's payee, in the capture's own posting (a provider node's proceeds). */
export type OnwardMove = Omit<Transfer, 'id' | 'createdAt' | 'from' | 'holdId'>;

export type Resolution =
  | { status: 'captured'; amount: Micro; onward?: readonly OnwardMove[] }
  | { status: 'released' }
  | { status: 'expired' };

/**
 * Adds the end of an active hold to `tx`: captured in part or whole to its payee, or returned to
 * the owner. A hold that reserved budget returns its reservation when it is not captured; a
 * capture's budget leg (which uses the reservation up) is the caller's, planned from the budget.
 */
export function addResolution(
  deps: LedgerDeps,
  tx: Transaction,
  hold: Hold,
  resolution: Resolution,
  now: Date,
  /** A posting the caller applies itself (to net this with more movements of the same accounts). */
  shared?: Posting,
): Hold {
  const posting = (shared ?? new Posting(now)).unhold(hold.ownerId, hold.amount);
  let capture: Transfer | undefined;
  if (resolution.status === 'captured') {
    capture = posting.move({
      from: hold.ownerId,
      to: hold.payee,
      amount: resolution.amount,
      reason: 'hold_capture',
      holdId: hold.id,
    });
    for (const move of resolution.onward ?? []) posting.move({ ...move, from: hold.payee, holdId: hold.id });
  }
  const resolved: Hold = {
    ...hold,
    status: resolution.status,
    resolvedAt: now.toISOString(),
    ...(capture ? { capturedAmount: capture.amount, captureTransferId: capture.id } : {}),
  };
  const expiring = resolution.status === 'expired';
  tx.add(
    {
      Update: {
        TableName: deps.table.name,
        Key: holdKey(hold.id),
        UpdateExpression: updateExpression({
          set: [
            '#status = :status',
            'resolvedAt = :now',
            capture && 'capturedAmount = :captured',
            capture && 'captureTransferId = :tid',
          ],
          // Off the sparse indexes of active holds.
          remove: ['gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'],
        }),
        // Capture and release only before expiry; expiry only after it. Never twice. Milliseconds,
        // as the reads and the sweep compare: a hold is active until the instant of expiresAt.
        ConditionExpression: `#status = :active AND expiresAtMs ${expiring ? '<=' : '>'} :nowMs`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': resolution.status,
          ':now': now.toISOString(),
          ':active': 'active',
          ':nowMs': now.getTime(),
          ...(capture ? { ':captured': capture.amount, ':tid': capture.id } : {}),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    (existing) => new HoldNotActiveError(existing ? holdOf(existing, now).status : 'gone'),
  );
  if (!shared) posting.applyTo(tx, deps.table.name);
  if (hold.budgetId && !capture)
    tx.add(releaseLeg(deps.table.name, { budgetId: hold.budgetId, amount: hold.amount }));
  return resolved;
}

/** Commits one resolution of a hold read as active (with the key's record when given). */
export async function commitResolution(
  deps: LedgerDeps,
  hold: Hold,
  resolution: Resolution,
  idempotency?: Idempotency<Hold>,
): Promise<Hold> {
  const now = deps.clock.now();
  const tx = new Transaction(deps.table);
  const resolved = addResolution(deps, tx, hold, resolution, now);
  await tx.idempotent(idempotency, resolved, now).commit(deps.retry);
  return resolved;
}

/** The owner's active hold, or the refusal to resolve it. */
export async function activeHold(deps: LedgerDeps, holdId: string, ownerId: string): Promise<Hold> {
  const hold = await getHold(deps, holdId, ownerId);
  if (hold.status !== 'active') throw new HoldNotActiveError(hold.status);
  return hold;
}

/** The amount a capture takes: all of the hold unless less is asked. */
export function captureAmount(hold: Hold, amount: Micro | undefined): Micro {
  if (amount !== undefined && amount > hold.amount) throw new CaptureExceedsHoldError(hold.amount);
  return amount ?? hold.amount;
}

/** Captures a hold that reserved no budget (one that did is captured through its budget). */
export async function captureHold(
  deps: LedgerDeps,
  input: { holdId: string; ownerId: string; amount?: Micro },
  idempotency?: Idempotency<Hold>,
): Promise<Hold> {
  const hold = await activeHold(deps, input.holdId, input.ownerId);
  if (hold.budgetId) throw new Error(`hold ${hold.id} reserved budget: capture it through the budget`);
  return commitResolution(
    deps,
    hold,
    { status: 'captured', amount: captureAmount(hold, input.amount) },
    idempotency,
  );
}

export async function releaseHold(
  deps: LedgerDeps,
  input: { holdId: string; ownerId: string },
  idempotency?: Idempotency<Hold>,
): Promise<Hold> {
  const hold = await activeHold(deps, input.holdId, input.ownerId);
  return commitResolution(deps, hold, { status: 'released' }, idempotency);
}

/** Resolves one lapsed hold for good; a hold resolved meanwhile is left as it is. */
async function expireHold(deps: LedgerDeps, item: Record<string, unknown>): Promise<boolean> {
  const now = deps.clock.now();
  const hold = { ...holdOf(item, now), status: 'active' as const };
  const tx = new Transaction(deps.table);
  const expired = addResolution(deps, tx, hold, { status: 'expired' }, now);
  // The owner's `hold.expired` commits with the expiry; the health sweep publishes the outbox.
  tx.add(outboxPut(deps.table.name, holdExpiredEvent(expired, now)));
  try {
    await tx.commit(deps.retry);
    return true;
  } catch (error) {
    if (error instanceof HoldNotActiveError) return false;
    throw error;
  }
}

async function expireAll(deps: LedgerDeps, index: 'gsi2' | 'gsi3', partitionKey: string): Promise<number> {
  let expired = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.table.doc.send(
      new QueryCommand({
        TableName: deps.table.name,
        IndexName: index,
        KeyConditionExpression: `${index}pk = :pk AND ${index}sk <= :bound`,
        ExpressionAttributeValues: { ':pk': partitionKey, ':bound': expiredBound(deps.clock.now()) },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) if (await expireHold(deps, item)) expired++;
    start = page.LastEvaluatedKey;
  } while (start);
  return expired;
}

/**
 * Commits a transaction that debits `payers`. Expired holds still count in a stored available
 * balance until they are resolved (reads already ignore them), so a refusal for want of one
 * payer's funds resolves that payer's lapsed holds and tries again, once per payer; a payer still
 * short gets `short(accountId)` (the refusal itself unless told otherwise).
 */
export async function commitFreeingExpiredHolds(
  deps: LedgerDeps,
  tx: Transaction,
  payers: readonly string[],
  short: (accountId: string, refusal: InsufficientFundsError) => Error = (_, refusal) => refusal,
): Promise<void> {
  const freed = new Set<string>();
  for (;;) {
    try {
      await tx.commit(deps.retry);
      return;
    } catch (error) {
      if (!(error instanceof InsufficientFundsError) || !payers.includes(error.accountId)) throw error;
      if (freed.has(error.accountId)) throw short(error.accountId, error);
      freed.add(error.accountId);
      // Retried even when none was left to resolve here: the sweep may have resolved them since.
      await resolveExpiredHoldsOf(deps, error.accountId);
    }
  }
}

/** The owner's lapsed holds, resolved now (a debit refused because of them retries after this). */
export const resolveExpiredHoldsOf = (deps: LedgerDeps, ownerId: string): Promise<number> =>
  expireAll(deps, 'gsi2', `ACTIVE_HOLDS#${ownerId}`);

/** Every lapsed hold (the scheduled sweep). */
export async function resolveExpiredHolds(deps: LedgerDeps): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: EXPIRY_SHARDS }, (_, shard) => expireAll(deps, 'gsi3', `HOLD_EXPIRY#${shard}`)),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/** What the owner's lapsed-but-unresolved holds still reserve in the stored figures. */
export async function lapsedHoldTotal(deps: LedgerDeps, ownerId: string): Promise<Micro> {
  const amounts = await queryAll(
    deps.table,
    {
      index: 'gsi2',
      partitionKeyName: 'gsi2pk',
      partitionKey: `ACTIVE_HOLDS#${ownerId}`,
      sortKeyCondition: {
        expression: 'gsi2sk <= :bound',
        values: { ':bound': expiredBound(deps.clock.now()) },
      },
    },
    (item) => BigInt(item.amount as bigint),
  );
  return amounts.reduce((sum, amount) => sum + amount, 0n);
}
