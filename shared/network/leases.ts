import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '#platform/http/principal.js';
import { newId } from '#platform/ids.js';
import { type TransactItem, Transaction } from '#platform/transaction.js';
import type { LedgerDeps } from '#shared/ledger/ledger.js';
import { getPrices } from '#shared/prices/price-list.js';
import { artifactLink } from '#shared/workflows/artifacts.js';
import { PHASE_INPUTS } from '#shared/workflows/executors/builtin.js';
import { componentChargesOf } from '#shared/workflows/runner.js';
import { getSafetyPolicy } from '#shared/workflows/safety.js';
import { isActive, phaseById, type Workflow } from '#shared/workflows/workflow.js';
import { findWorkflow } from '#shared/workflows/workflows.js';
import {
  LeaseExpiredError,
  LeaseNotFoundError,
  NodeChangedError,
  NodeDeregisteredError,
  NodeInactiveError,
  OfferChangedError,
  ReputationTooLowError,
} from './errors.js';
import { LEASE_OUTPUT_JSON_SCHEMA, type LeaseContext } from './lease-context.js';
import type { NetworkDeps } from './network-deps.js';
import { isActiveAt, type NodeOutcome, nodeKey, nodeOutcomeLegs, type ProviderNode } from './node.js';
import { findNode, ownNode } from './nodes.js';
import {
  availableAt,
  availableBound,
  type Lease,
  leaseKey,
  leaseOf,
  type Offer,
  offerKey,
  offerOf,
  offersPartition,
} from './offer.js';
import { formatReputation, REPUTATION_THRESHOLD } from './reputation.js';

export interface Claimed {
  lease: Lease;
  context: LeaseContext;
}

/**
 * A node asks for work: the first offer of one of its capabilities that it may take, claimed with
 * a conditional transaction; looked for again every `pollMs` until `waitMs` has passed (then
 * undefined: 204). Only an active node at or above the reputation threshold may ask.
 */
export async function claimLease(
  deps: NetworkDeps,
  nodeId: string,
  principal: Principal,
): Promise<Claimed | undefined> {
  const node = await ownNode(deps, nodeId, principal);
  const now = deps.clock.now();
  if (node.status !== 'registered') throw new NodeDeregisteredError();
  if (!isActiveAt(node, now, deps.network.heartbeatTimeoutMs)) throw new NodeInactiveError();
  if (node.reputation < REPUTATION_THRESHOLD)
    throw new ReputationTooLowError(formatReputation(node.reputation));
  const until = Date.now() + deps.network.waitMs;
  for (;;) {
    const claimed = await claimOnce(deps, node);
    if (claimed) return claimed;
    if (Date.now() + deps.network.pollMs > until) return undefined;
    await deps.sleep(deps.network.pollMs);
  }
}

/** The offers a node could take now: open ones and claimed ones past their deadline, oldest first. */
export async function availableOffers(
  deps: LedgerDeps,
  capability: string,
  now: Date,
  limit = 10,
): Promise<Offer[]> {
  const { Items = [] } = await deps.table.doc.send(
    new QueryCommand({
      TableName: deps.table.name,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :bound',
      ExpressionAttributeValues: { ':pk': offersPartition(capability), ':bound': availableBound(now) },
      Limit: limit,
    }),
  );
  return Items.map(offerOf);
}

async function claimOnce(deps: NetworkDeps, node: ProviderNode): Promise<Claimed | undefined> {
  const now = deps.clock.now();
  const found = (await Promise.all(node.capabilities.map((c) => availableOffers(deps, c, now)))).flat();
  found.sort((a, b) => (a.deadline ?? a.offeredAt).localeCompare(b.deadline ?? b.offeredAt));
  for (let offer of found) {
    if (offer.excluded.includes(node.id)) continue;
    if (offer.status === 'claimed') {
      const reopened = await reofferExpired(deps, offer);
      if (!reopened || reopened.excluded.includes(node.id)) continue;
      offer = reopened;
    }
    if (offer.status !== 'open') continue;
    const workflow = await findWorkflow(deps.table, offer.workflowId);
    if (!workflow || !isActive(workflow) || phaseStatus(workflow, offer.phase) !== 'running') {
      await withdrawOffer(deps, offer);
      continue;
    }
    const lease = await tryClaim(deps, node, offer);
    if (lease) return { lease, context: await leaseContextOf(deps, workflow, offer.phase) };
  }
  return undefined;
}

const phaseStatus = (workflow: Workflow, phase: string) =>
  workflow.phases.find((p) => p.id === phase)?.status;

async function tryClaim(deps: NetworkDeps, node: ProviderNode, offer: Offer): Promise<Lease | undefined> {
  const now = deps.clock.now();
  const lease: Lease = {
    id: newId('lse'),
    workflowId: offer.workflowId,
    phase: offer.phase,
    nodeId: node.id,
    ownerId: node.ownerId,
    status: 'active',
    claimedAt: now.toISOString(),
    deadline: new Date(now.getTime() + deps.network.leaseMs).toISOString(),
  };
  const table = deps.table.name;
  const tx = new Transaction(deps.table)
    .add(
      {
        Update: {
          TableName: table,
          Key: offerKey(offer.workflowId, offer.phase),
          UpdateExpression:
            'SET #status = :claimed, leaseId = :lease, nodeId = :node, deadline = :deadline, gsi3sk = :available, claims = claims + :one',
          ConditionExpression: '#status = :open AND NOT contains(excluded, :node)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':claimed': 'claimed',
            ':open': 'open',
            ':lease': lease.id,
            ':node': node.id,
            ':deadline': lease.deadline,
            ':available': availableAt(lease.deadline, offer.workflowId),
            ':one': 1,
          },
        },
      },
      () => new OfferChangedError(),
    )
    .add({
      Put: { TableName: table, Item: leaseItem(lease), ConditionExpression: 'attribute_not_exists(pk)' },
    })
    .add(
      {
        Update: {
          TableName: table,
          Key: nodeKey(node.id),
          UpdateExpression: 'SET activeLeases = activeLeases + :one',
          ConditionExpression:
            '#status = :registered AND reputation >= :threshold AND lastHeartbeatAt > :cutoff',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':registered': 'registered',
            ':threshold': REPUTATION_THRESHOLD,
            ':cutoff': new Date(now.getTime() - deps.network.heartbeatTimeoutMs).toISOString(),
          },
        },
      },
      () => new NodeChangedError(),
    );
  try {
    await tx.commit(deps.retry);
    return lease;
  } catch (error) {
    if (error instanceof OfferChangedError) return undefined;
    if (error instanceof NodeChangedError) throw new NodeInactiveError();
    throw error;
  }
}

const leaseItem = (lease: Lease) => ({
  ...leaseKey(lease.id),
  type: 'lease',
  ...lease,
  gsi1pk: `LEASES#${lease.nodeId}`,
  gsi1sk: lease.id,
});

/** The context of a phase as a node needs it: everything the executor reads, as JSON and links. */
export async function leaseContextOf(
  deps: NetworkDeps,
  workflow: Workflow,
  phaseId: string,
): Promise<LeaseContext> {
  const phase = phaseById(phaseId);
  const needs = PHASE_INPUTS[phase.id] ?? { artifacts: [], safetyPolicy: true };
  const now = deps.clock.now();
  const earlier = workflow.phases.slice(0, phase.number - 1);
  const [prices, policy, links] = await Promise.all([
    // The quote's prices and policy (`snapshot.ts`), as the platform's own phases use.
    workflow.snapshot?.prices ?? getPrices(deps.table),
    needs.safetyPolicy ? (workflow.snapshot?.policy ?? getSafetyPolicy(deps.table)) : Promise.resolve(null),
    Promise.all(
      earlier.map(async (p) =>
        p.artifact
          ? ([
              p.id,
              {
                url: (await artifactLink(deps.artifacts, p.artifact.key, now)).url,
                sha256: p.artifact.sha256,
              },
            ] as const)
          : undefined,
      ),
    ),
  ]);
  return {
    workflowId: workflow.id,
    phase: {
      id: phase.id,
      number: phase.number,
      name: phase.name,
      category: phase.category,
      components: phase.components,
    },
    prompt: workflow.prompt,
    preferences: workflow.preferences,
    earlier: earlier.map((p) => ({
      id: p.id,
      number: p.number,
      status: p.status,
      summary: p.summary,
      cost: p.cost === null ? null : String(p.cost),
      artifact: p.artifact,
    })),
    artifacts: Object.fromEntries(links.filter((link) => link !== undefined)),
    safetyPolicy: policy,
    audit: workflow.audit,
    cost: String(componentChargesOf(phase, prices.components).cost),
    hold: String(workflow.phases[phase.number - 1]!.estimate),
    outputSchema: LEASE_OUTPUT_JSON_SCHEMA,
    tokenCaps: null,
  };
}

/** An offer whose workflow stopped (or moved on): out of the offers index. */
async function withdrawOffer(deps: NetworkDeps, offer: Offer): Promise<void> {
  try {
    await deps.table.doc.send(
      new UpdateCommand({
        TableName: deps.table.name,
        Key: offerKey(offer.workflowId, offer.phase),
        UpdateExpression: 'SET #status = :withdrawn REMOVE gsi3pk, gsi3sk',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':withdrawn': 'withdrawn', ':open': 'open' },
      }),
    );
  } catch {
    // Claimed or withdrawn meanwhile: nothing to do.
  }
}

export async function getOffer(
  deps: NetworkDeps,
  workflowId: string,
  phase: string,
): Promise<Offer | undefined> {
  const { Item } = await deps.table.doc.send(
    new GetCommand({ TableName: deps.table.name, Key: offerKey(workflowId, phase), ConsistentRead: true }),
  );
  return Item ? offerOf(Item) : undefined;
}

/** A lease its node's owner answers; to anyone else it does not exist. */
export async function ownLease(deps: NetworkDeps, leaseId: string, principal: Principal): Promise<Lease> {
  const { Item } = await deps.table.doc.send(
    new GetCommand({ TableName: deps.table.name, Key: leaseKey(leaseId), ConsistentRead: true }),
  );
  if (!Item || Item.ownerId !== principal.userId) throw new LeaseNotFoundError();
  return leaseOf(Item);
}

/**
 * Legs that end a lease without paying it (failed, expired, rejected): the offer open again with
 * the node excluded, the lease's end, and the node's reputation step.
 */
export function closingLegs(
  deps: LedgerDeps,
  lease: Lease,
  node: ProviderNode,
  outcome: NodeOutcome & { reason: 'failed' | 'expired' | 'rejected' },
  now: Date,
): { item: TransactItem; onFailed?: (item?: Record<string, unknown>) => Error }[] {
  const at = now.toISOString();
  const expiring = outcome.reason === 'expired';
  return [
    {
      item: {
        Update: {
          TableName: deps.table.name,
          Key: offerKey(lease.workflowId, lease.phase),
          UpdateExpression:
            'SET #status = :open, excluded = list_append(excluded, :node), gsi3sk = :available REMOVE leaseId, nodeId, deadline',
          ConditionExpression: `#status = :claimed AND leaseId = :lease${expiring ? ' AND deadline <= :now' : ''}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':open': 'open',
            ':claimed': 'claimed',
            ':lease': lease.id,
            ':node': [node.id],
            ':available': availableAt(at, lease.workflowId),
            ...(expiring ? { ':now': at } : {}),
          },
        },
      },
      onFailed: () => new OfferChangedError(),
    },
    {
      item: {
        Update: {
          TableName: deps.table.name,
          Key: leaseKey(lease.id),
          UpdateExpression: 'SET #status = :end, finishedAt = :now, reason = :reason',
          ConditionExpression: '#status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':end': outcome.reason,
            ':active': 'active',
            ':now': at,
            ':reason': (outcome.detail ?? outcome.reason).slice(0, 300),
          },
        },
      },
      onFailed: () => new OfferChangedError(),
    },
    ...nodeOutcomeLegs(deps.table.name, node, outcome, now).map((item) => ({
      item,
      onFailed: (existing?: Record<string, unknown>) => new NodeChangedError(existing),
    })),
  ];
}

/** Runs `attempt` again while the node changed under it (its reputation is read, then conditioned on). */
export async function withNodeRetries<T>(attempt: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof NodeChangedError) || i >= tries) throw error;
    }
  }
}

async function leaseById(deps: LedgerDeps, leaseId: string): Promise<Lease | undefined> {
  const { Item } = await deps.table.doc.send(
    new GetCommand({ TableName: deps.table.name, Key: leaseKey(leaseId), ConsistentRead: true }),
  );
  return Item ? leaseOf(Item) : undefined;
}

/**
 * A claimed offer past its lease's deadline, offered again: the lease `expired`, its node −0.15
 * and excluded from this offer. Answers the reopened offer, or undefined when another caller
 * (a claim, the sweep) got there first.
 */
export async function reofferExpired(deps: LedgerDeps, offer: Offer): Promise<Offer | undefined> {
  if (offer.status !== 'claimed' || !offer.leaseId || !offer.nodeId) return undefined;
  const leaseId = offer.leaseId;
  try {
    return await withNodeRetries(async () => {
      const now = deps.clock.now();
      const [lease, node] = await Promise.all([leaseById(deps, leaseId), findNode(deps, offer.nodeId!)]);
      if (!lease || !node || lease.status !== 'active' || Date.parse(lease.deadline) > now.getTime())
        return undefined;
      const tx = new Transaction(deps.table);
      for (const leg of closingLegs(
        deps,
        lease,
        node,
        { reason: 'expired', leaseId, detail: 'deadline passed' },
        now,
      ))
        tx.add(leg.item, leg.onFailed);
      await tx.commit(deps.retry);
      return {
        ...offer,
        status: 'open' as const,
        excluded: [...offer.excluded, node.id],
        claims: offer.claims,
      };
    });
  } catch (error) {
    if (error instanceof OfferChangedError) return undefined;
    throw error;
  }
}

/** The node gives a lease up: offered again to another node, −0.15 for this one. Failing again answers the same. */
export async function failLease(
  deps: NetworkDeps,
  leaseId: string,
  principal: Principal,
  reason: string,
): Promise<Lease> {
  return withNodeRetries(async () => {
    const lease = await ownLease(deps, leaseId, principal);
    if (lease.status === 'failed') return lease;
    const now = deps.clock.now();
    if (lease.status !== 'active' || Date.parse(lease.deadline) <= now.getTime())
      throw new LeaseExpiredError(lease.status === 'active' ? 'expired' : lease.status);
    const node = await findNode(deps, lease.nodeId);
    if (!node) throw new LeaseNotFoundError();
    const tx = new Transaction(deps.table);
    for (const leg of closingLegs(deps, lease, node, { reason: 'failed', leaseId, detail: reason }, now))
      tx.add(leg.item, leg.onFailed);
    try {
      await tx.commit(deps.retry);
    } catch (error) {
      if (!(error instanceof OfferChangedError)) throw error;
      const current = await ownLease(deps, leaseId, principal);
      if (current.status === 'failed') return current;
      throw new LeaseExpiredError(current.status);
    }
    return { ...lease, status: 'failed' as const, finishedAt: now.toISOString(), reason };
  });
}
