import * as z from 'zod';
import { newId } from '#platform/ids.js';
import { itemCodec, storedInt, storedMicro, storedString } from '#platform/item-codec.js';
import type { Micro } from '#platform/money.js';
import type { TransactItem } from '#platform/transaction.js';
import { NodeChangedError } from './errors.js';
import { nextReputation, type ReputationReason } from './reputation.js';

/**
 * A provider node: a user's compute or model that takes phase work. Its stake is a hold on the
 * owner's balance for as long as it is registered; reputation in thousandths (see reputation.ts).
 */
export type NodeStatus = 'registered' | 'deregistered';

export interface ProviderNode {
  id: string;
  ownerId: string;
  name: string;
  capabilities: string[];
  status: NodeStatus;
  stake: Micro;
  stakeHoldId: string;
  reputation: number;
  workDone: number;
  workFailed: number;
  earnings: Micro;
  slashed: Micro;
  /** Leases claimed and not yet answered, expired or re-offered: a node deregisters at zero. */
  activeLeases: number;
  lastHeartbeatAt: string;
  createdAt: string;
  updatedAt: string;
}

export const nodeKey = (id: string) => ({ pk: `NODE#${id}`, sk: 'NODE' });
export const newNodeId = () => newId('node');

const decodeNode = itemCodec<ProviderNode>(
  'node',
  z.object({
    id: storedString,
    ownerId: storedString,
    name: storedString,
    capabilities: z.array(z.string()),
    status: z.enum(['registered', 'deregistered']),
    stake: storedMicro,
    stakeHoldId: storedString,
    reputation: storedInt,
    workDone: storedInt,
    workFailed: storedInt,
    earnings: storedMicro,
    slashed: storedMicro,
    activeLeases: storedInt,
    lastHeartbeatAt: storedString,
    createdAt: storedString,
    updatedAt: storedString,
  }),
);

export const nodeOf = (item: Record<string, unknown>): ProviderNode => decodeNode(item);

export function nodeItem(node: ProviderNode): Record<string, unknown> {
  return {
    ...nodeKey(node.id),
    type: 'node',
    ...node,
    gsi1pk: `NODES#${node.ownerId}`,
    gsi1sk: node.id,
    gsi2pk: 'NODES',
    gsi2sk: node.id,
  };
}

/** `active`: registered with a heartbeat within the timeout; only active nodes are offered work. */
export const isActiveAt = (node: ProviderNode, now: Date, timeoutMs: number): boolean =>
  node.status === 'registered' && Date.parse(node.lastHeartbeatAt) > now.getTime() - timeoutMs;

export interface ReputationEvent {
  nodeId: string;
  at: string;
  reason: ReputationReason;
  from: number;
  to: number;
  leaseId: string;
  detail?: string;
}

export interface NodeOutcome {
  reason: ReputationReason;
  leaseId: string;
  detail?: string;
  earned?: Micro;
  slashed?: Micro;
  /** The stake after a slash: a new hold replaces the old one. */
  stake?: { amount: Micro; holdId: string };
}

/**
 * A lease's outcome on its node, as legs of the lease's transaction: the reputation step (on
 * condition that the reputation is still what was read, so concurrent outcomes clamp correctly),
 * the counters, and the reputation event with its reason.
 */
export function nodeOutcomeLegs(
  tableName: string,
  node: ProviderNode,
  outcome: NodeOutcome,
  now: Date,
): TransactItem[] {
  const to = nextReputation(node.reputation, outcome.reason);
  const accepted = outcome.reason === 'accepted';
  const sets = ['reputation = :to', 'updatedAt = :now', 'activeLeases = activeLeases - :one'];
  const values: Record<string, unknown> = {
    ':to': to,
    ':from': node.reputation,
    ':now': now.toISOString(),
    ':one': 1,
  };
  if (accepted) sets.push('workDone = workDone + :one', 'earnings = earnings + :earned');
  else sets.push('workFailed = workFailed + :one');
  if (accepted) values[':earned'] = outcome.earned ?? 0n;
  if (outcome.slashed) {
    sets.push('slashed = slashed + :slashed', 'stake = :stake', 'stakeHoldId = :hold');
    values[':slashed'] = outcome.slashed;
    values[':stake'] = outcome.stake!.amount;
    values[':hold'] = outcome.stake!.holdId;
    values[':oldHold'] = node.stakeHoldId;
  }
  const event: ReputationEvent = {
    nodeId: node.id,
    at: now.toISOString(),
    reason: outcome.reason,
    from: node.reputation,
    to,
    leaseId: outcome.leaseId,
    ...(outcome.detail ? { detail: outcome.detail.slice(0, 300) } : {}),
  };
  return [
    {
      Update: {
        TableName: tableName,
        Key: nodeKey(node.id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `reputation = :from${outcome.slashed ? ' AND stakeHoldId = :oldHold' : ''}`,
        ExpressionAttributeValues: values,
      },
    },
    {
      Put: {
        TableName: tableName,
        Item: {
          pk: `NODE#${node.id}`,
          sk: `REPUTATION#${event.at}#${outcome.leaseId}`,
          type: 'reputation',
          ...event,
        },
      },
    },
  ];
}

export const nodeChanged = (item?: Record<string, unknown>) => new NodeChangedError(item);
