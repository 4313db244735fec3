import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '#platform/http/principal.js';
import { isAdmin } from '#platform/http/principal.js';
import type { Idempotency } from '#platform/idempotency.js';
import { formatFtns, type Micro } from '#platform/money.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import { unmarshallItem } from '#platform/table.js';
import { Transaction } from '#platform/transaction.js';
import { activeHold, addHold, addResolution, commitFreeingExpiredHolds } from '#shared/ledger/holds.js';
import type { LedgerDeps } from '#shared/ledger/ledger.js';
import { Posting } from '#shared/ledger/posting.js';
import { NodeBusyError, NodeDeregisteredError, NodeNotFoundError, StakeTooLowError } from './errors.js';
import { MIN_STAKE, STAKE_HOLD_SECONDS } from './network-config.js';
import { newNodeId, nodeItem, nodeKey, nodeOf, type ProviderNode, type ReputationEvent } from './node.js';
import { REPUTATION_START } from './reputation.js';

export interface Registration {
  ownerId: string;
  name: string;
  capabilities: string[];
  stake: Micro;
}

/** Registers a node: its stake held on the owner's balance, in the same transaction as the node. */
export async function registerNode(
  deps: LedgerDeps,
  input: Registration,
  idempotency?: Idempotency<ProviderNode>,
): Promise<ProviderNode> {
  if (input.stake < MIN_STAKE) throw new StakeTooLowError(formatFtns(MIN_STAKE));
  const now = deps.clock.now();
  const tx = new Transaction(deps.table);
  const posting = new Posting(now);
  const hold = addHold(
    deps,
    tx,
    posting,
    { ownerId: input.ownerId, amount: input.stake, expiresInSeconds: STAKE_HOLD_SECONDS },
    now,
  );
  posting.applyTo(tx, deps.table.name);
  const at = now.toISOString();
  const node: ProviderNode = {
    id: newNodeId(),
    ownerId: input.ownerId,
    name: input.name,
    capabilities: [...new Set(input.capabilities)],
    status: 'registered',
    stake: input.stake,
    stakeHoldId: hold.id,
    reputation: REPUTATION_START,
    workDone: 0,
    workFailed: 0,
    earnings: 0n,
    slashed: 0n,
    activeLeases: 0,
    lastHeartbeatAt: at,
    createdAt: at,
    updatedAt: at,
  };
  tx.add({
    Put: {
      TableName: deps.table.name,
      Item: nodeItem(node),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  tx.idempotent(idempotency, node, now);
  await commitFreeingExpiredHolds(deps, tx, [input.ownerId]);
  return node;
}

export async function findNode(deps: LedgerDeps, nodeId: string): Promise<ProviderNode | undefined> {
  const { Item } = await deps.table.doc.send(
    new GetCommand({ TableName: deps.table.name, Key: nodeKey(nodeId), ConsistentRead: true }),
  );
  return Item ? nodeOf(Item) : undefined;
}

/** A node its owner drives: anyone else (admins too) is told it does not exist. */
export async function ownNode(deps: LedgerDeps, nodeId: string, principal: Principal): Promise<ProviderNode> {
  const node = await findNode(deps, nodeId);
  if (!node || node.ownerId !== principal.userId) throw new NodeNotFoundError();
  return node;
}

/** A node its owner or an admin reads. */
export async function getNode(deps: LedgerDeps, nodeId: string, principal: Principal): Promise<ProviderNode> {
  const node = await findNode(deps, nodeId);
  if (!node || (node.ownerId !== principal.userId && !isAdmin(principal))) throw new NodeNotFoundError();
  return node;
}

export function listNodes(
  deps: LedgerDeps,
  principal: Principal,
  page: { limit: number; cursor?: string },
): Promise<Page<ProviderNode>> {
  const all = isAdmin(principal);
  return queryPage(
    deps.table,
    all
      ? { index: 'gsi2', partitionKeyName: 'gsi2pk', partitionKey: 'NODES', newestFirst: true }
      : {
          index: 'gsi1',
          partitionKeyName: 'gsi1pk',
          partitionKey: `NODES#${principal.userId}`,
          newestFirst: true,
        },
    page,
    nodeOf,
  );
}

/** The node's latest reputation changes, newest first. */
export async function reputationHistory(
  deps: LedgerDeps,
  nodeId: string,
  limit = 20,
): Promise<ReputationEvent[]> {
  const { Items = [] } = await deps.table.doc.send(
    new QueryCommand({
      TableName: deps.table.name,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `NODE#${nodeId}`, ':prefix': 'REPUTATION#' },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items.map((item) => ({
    nodeId: String(item.nodeId),
    at: String(item.at),
    reason: item.reason as ReputationEvent['reason'],
    from: Number(item.from),
    to: Number(item.to),
    leaseId: String(item.leaseId),
    ...(item.detail ? { detail: String(item.detail) } : {}),
  }));
}

/** A heartbeat: the node is active for the configured time from now. */
export async function heartbeat(
  deps: LedgerDeps,
  nodeId: string,
  principal: Principal,
): Promise<ProviderNode> {
  try {
    const { Attributes } = await deps.table.doc.send(
      new UpdateCommand({
        TableName: deps.table.name,
        Key: nodeKey(nodeId),
        UpdateExpression: 'SET lastHeartbeatAt = :now, updatedAt = :now',
        ConditionExpression: 'ownerId = :owner AND #status = :registered',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':now': deps.clock.now().toISOString(),
          ':owner': principal.userId,
          ':registered': 'registered',
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return nodeOf(Attributes!);
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const old = error.Item ? nodeOf(unmarshallItem(error.Item)) : undefined;
    if (!old || old.ownerId !== principal.userId) throw new NodeNotFoundError();
    throw new NodeDeregisteredError();
  }
}

/**
 * Deregisters a node whose leases are all done and releases its stake, in one transaction
 * (conditioned on no lease having been claimed since the read). Deregistering again answers the same.
 */
export async function deregisterNode(
  deps: LedgerDeps,
  nodeId: string,
  principal: Principal,
): Promise<ProviderNode> {
  const node = await ownNode(deps, nodeId, principal);
  if (node.status === 'deregistered') return node;
  if (node.activeLeases > 0) throw new NodeBusyError(node.activeLeases);
  const now = deps.clock.now();
  const hold = await activeHold(deps, node.stakeHoldId, node.ownerId);
  const tx = new Transaction(deps.table);
  addResolution(deps, tx, hold, { status: 'released' }, now);
  tx.add(
    {
      Update: {
        TableName: deps.table.name,
        Key: nodeKey(node.id),
        UpdateExpression: 'SET #status = :gone, updatedAt = :now',
        ConditionExpression: '#status = :registered AND activeLeases = :zero AND stakeHoldId = :hold',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':gone': 'deregistered',
          ':registered': 'registered',
          ':zero': 0,
          ':hold': node.stakeHoldId,
          ':now': now.toISOString(),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    (item) => {
      const current = item ? nodeOf(item) : undefined;
      return current && current.activeLeases > 0
        ? new NodeBusyError(current.activeLeases)
        : new NodeDeregisteredError();
    },
  );
  await tx.commit(deps.retry);
  return { ...node, status: 'deregistered', updatedAt: now.toISOString() };
}
