import type { Principal } from '#platform/http/principal.js';
import { applyRatePpm, formatFtns, type Micro } from '#platform/money.js';
import { Transaction } from '#platform/transaction.js';
import { activeHold, addHold, addResolution, type OnwardMove } from '#shared/ledger/holds.js';
import { Posting } from '#shared/ledger/posting.js';
import { feeSplit } from '#shared/marketplace/checkout.js';
import { configuredFeePpm } from '#shared/marketplace/marketplace-deps.js';
import { getPrices } from '#shared/prices/price-list.js';
import { payPhase, phaseInputs, storeWork } from '#shared/workflows/runner.js';
import { isActive, phaseById } from '#shared/workflows/workflow.js';
import { findWorkflow } from '#shared/workflows/workflows.js';
import {
  LeaseExpiredError,
  LeaseNotFoundError,
  NodeChangedError,
  OfferChangedError,
  ResultRejectedError,
} from './errors.js';
import { closingLegs, getOffer, ownLease, withNodeRetries } from './leases.js';
import { STAKE_HOLD_SECONDS } from './network-config.js';
import type { NetworkDeps } from './network-deps.js';
import { nodeOutcomeLegs, type ProviderNode } from './node.js';
import { findNode } from './nodes.js';
import { type Lease, leaseKey, offerKey } from './offer.js';
import { verifyResult } from './verify.js';

export interface ResultInput {
  output: unknown;
  usage?: { inputTokens: number; outputTokens: number } | undefined;
}

/**
 * A node's result for its lease. Refused when the lease is someone else's (404), past its
 * deadline or ended (409); verified; then paid in the phase's own capture transaction: the hold
 * captured to `revenue`, and from there in the same posting the phase's cost less the
 * marketplace's fee to the node's owner and the fee to `fees`; with the offer done, the lease
 * completed and the node's reputation, work and earnings. Posting the result again answers the
 * completed lease: it is applied once.
 */
export async function submitResult(
  deps: NetworkDeps,
  leaseId: string,
  principal: Principal,
  input: ResultInput,
): Promise<Lease> {
  return withNodeRetries(async () => {
    const lease = await ownLease(deps, leaseId, principal);
    if (lease.status === 'completed') return lease;
    const now = deps.clock.now();
    if (lease.status !== 'active' || Date.parse(lease.deadline) <= now.getTime())
      throw new LeaseExpiredError(lease.status === 'active' ? 'expired' : lease.status);
    const [workflow, node, offer] = await Promise.all([
      findWorkflow(deps.table, lease.workflowId),
      findNode(deps, lease.nodeId),
      getOffer(deps, lease.workflowId, lease.phase),
    ]);
    if (!node || !offer) throw new LeaseNotFoundError();
    if (!workflow || !isActive(workflow)) throw new LeaseExpiredError('withdrawn: the workflow stopped');
    const phase = phaseById(lease.phase);
    const inputs = phaseInputs(deps, workflow.id, phase);
    // The quote's prices and policy, as the platform's own phases use (`snapshot.ts`).
    inputs.use(workflow);
    const prices = workflow.snapshot?.prices ?? (await getPrices(deps.table));
    const verdict = await verifyResult(deps, workflow, phase, offer, input.output, prices, inputs);
    if (!verdict.ok) {
      await rejectResult(deps, lease, node, verdict.reason);
      throw new ResultRejectedError(verdict.reason);
    }
    const state = workflow.phases[phase.number - 1]!;
    const startedAt = Date.parse(state.startedAt ?? lease.claimedAt);
    const work = await storeWork(deps, workflow, phase, verdict.output, prices.components, {
      executor: `node:${node.id}`,
      startedAtMs: performance.now() - (now.getTime() - startedAt),
      executorMs: now.getTime() - Date.parse(lease.claimedAt),
    });
    const { fee, proceeds } = feeSplit(work.cost, configuredFeePpm());
    const payment = { gross: String(work.cost), fee: String(fee), proceeds: String(proceeds) };
    const onward: OnwardMove[] = [
      ...(proceeds > 0n
        ? [{ to: node.ownerId, amount: proceeds, reason: 'network_payment' as const, reference: lease.id }]
        : []),
      ...(fee > 0n ? [{ to: 'fees', amount: fee, reason: 'network_fee' as const, reference: lease.id }] : []),
    ];
    try {
      const outcome = await payPhase(deps, workflow, phase, work, {
        onward,
        legs: (tx, at) => paidLegs(deps, tx, lease, node, proceeds, payment, at),
      });
      if (outcome !== 'completed') throw new LeaseExpiredError(`withdrawn: the workflow ${outcome}`);
    } catch (error) {
      if (!(error instanceof OfferChangedError)) throw error;
      const current = await ownLease(deps, leaseId, principal);
      if (current.status === 'completed') return current;
      throw new LeaseExpiredError(current.status);
    }
    return { ...lease, status: 'completed' as const, finishedAt: now.toISOString(), payment };
  });
}

function paidLegs(
  deps: NetworkDeps,
  tx: Transaction,
  lease: Lease,
  node: ProviderNode,
  proceeds: Micro,
  payment: NonNullable<Lease['payment']>,
  now: Date,
): void {
  const at = now.toISOString();
  tx.add(
    {
      Update: {
        TableName: deps.table.name,
        Key: offerKey(lease.workflowId, lease.phase),
        UpdateExpression: 'SET #status = :done REMOVE gsi3pk, gsi3sk',
        ConditionExpression: '#status = :claimed AND leaseId = :lease AND deadline > :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'done', ':claimed': 'claimed', ':lease': lease.id, ':now': at },
      },
    },
    () => new OfferChangedError(),
  );
  tx.add(
    {
      Update: {
        TableName: deps.table.name,
        Key: leaseKey(lease.id),
        UpdateExpression: 'SET #status = :completed, finishedAt = :now, payment = :payment',
        ConditionExpression: '#status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':completed': 'completed',
          ':active': 'active',
          ':now': at,
          ':payment': payment,
        },
      },
    },
    () => new OfferChangedError(),
  );
  for (const item of nodeOutcomeLegs(
    deps.table.name,
    node,
    { reason: 'accepted', leaseId: lease.id, earned: proceeds },
    now,
  ))
    tx.add(item, (existing) => new NodeChangedError(existing));
}

/**
 * A rejected result: the lease ends `rejected`, the offer is open to other nodes, the node loses
 * 0.15 and a share of its stake (default 10 %), captured from its stake hold to `revenue` while
 * the rest is held again, all in one transaction; then a `node.slashed` event.
 */
async function rejectResult(
  deps: NetworkDeps,
  lease: Lease,
  node: ProviderNode,
  reason: string,
): Promise<void> {
  const now = deps.clock.now();
  const slash = applyRatePpm(node.stake, deps.network.slashPpm);
  const tx = new Transaction(deps.table);
  let stake: { amount: Micro; holdId: string } | undefined;
  if (slash > 0n) {
    const hold = await activeHold(deps, node.stakeHoldId, node.ownerId);
    const posting = new Posting(now);
    addResolution(deps, tx, hold, { status: 'captured', amount: slash }, now, posting);
    const remaining = node.stake - slash;
    const renewed =
      remaining > 0n
        ? addHold(
            deps,
            tx,
            posting,
            { ownerId: node.ownerId, amount: remaining, expiresInSeconds: STAKE_HOLD_SECONDS },
            now,
          )
        : undefined;
    posting.applyTo(tx, deps.table.name);
    stake = { amount: remaining, holdId: renewed?.id ?? hold.id };
  }
  const outcome = {
    reason: 'rejected' as const,
    leaseId: lease.id,
    detail: reason,
    ...(stake ? { slashed: slash, stake } : {}),
  };
  for (const leg of closingLegs(deps, lease, node, outcome, now)) tx.add(leg.item, leg.onFailed);
  await tx.commit(deps.retry);
  if (slash > 0n) {
    await deps.publish({
      eventId: `node.slashed/${lease.id}`,
      type: 'node.slashed',
      occurredAt: now.toISOString(),
      subject: `node:${node.id}`,
      data: {
        nodeId: node.id,
        ownerId: node.ownerId,
        leaseId: lease.id,
        workflowId: lease.workflowId,
        phase: lease.phase,
        reason,
        slashed: formatFtns(slash),
        stake: formatFtns(node.stake - slash),
      },
    });
  }
}
