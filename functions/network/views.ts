import { formatFtns } from '#platform/money.js';
import { isActiveAt, type ProviderNode, type ReputationEvent } from '#shared/network/node.js';
import type { Lease } from '#shared/network/offer.js';
import { formatReputation } from '#shared/network/reputation.js';

export function nodeView(node: ProviderNode, now: Date, heartbeatTimeoutMs: number) {
  return {
    id: node.id,
    ownerId: node.ownerId,
    name: node.name,
    capabilities: node.capabilities,
    status:
      node.status === 'deregistered'
        ? 'deregistered'
        : isActiveAt(node, now, heartbeatTimeoutMs)
          ? 'active'
          : 'inactive',
    reputation: formatReputation(node.reputation),
    stake: formatFtns(node.stake),
    slashed: formatFtns(node.slashed),
    workDone: node.workDone,
    workFailed: node.workFailed,
    earnings: formatFtns(node.earnings),
    activeLeases: node.activeLeases,
    lastHeartbeatAt: node.lastHeartbeatAt,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
  };
}

export const reputationEventView = (event: ReputationEvent) => ({
  at: event.at,
  reason: event.reason,
  from: formatReputation(event.from),
  to: formatReputation(event.to),
  leaseId: event.leaseId,
  detail: event.detail ?? null,
});

export const leaseView = (lease: Lease) => ({
  id: lease.id,
  workflowId: lease.workflowId,
  phase: lease.phase,
  nodeId: lease.nodeId,
  status: lease.status,
  claimedAt: lease.claimedAt,
  deadline: lease.deadline,
  finishedAt: lease.finishedAt ?? null,
  reason: lease.reason ?? null,
  payment: lease.payment
    ? {
        gross: formatFtns(BigInt(lease.payment.gross)),
        fee: formatFtns(BigInt(lease.payment.fee)),
        proceeds: formatFtns(BigInt(lease.payment.proceeds)),
      }
    : null,
});
