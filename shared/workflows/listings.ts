import { batchGet } from '#platform/batch-get.js';
import { AppError } from '#platform/errors.js';
import { type Idempotency, IdempotentReplay } from '#platform/idempotency.js';
import { checkout } from '#shared/marketplace/checkout.js';
import { entitlementKey, grantsOf, statusOf } from '#shared/marketplace/entitlement.js';
import { type Listing, listingKey, listingOf } from '#shared/marketplace/listing.js';
import type { Order } from '#shared/marketplace/order.js';
import type { Workflow } from './workflow.js';
import type { WorkflowDeps } from './workflow-deps.js';

/**
 * Marketplace listings a workflow names as the teacher's context: knowledge resources, datasets
 * with a sample, agent workflows. At submission each must be one the caller is entitled to, or a
 * `pay_per_use` listing, which the teacher phase buys through the normal checkout on the
 * workflow's budget (the seller paid, the fee taken), once per workflow: its idempotency key is
 * the workflow's and the listing's, so a redelivered teacher phase buys nothing twice.
 */
export const MAX_WORKFLOW_LISTINGS = 5;
const CONTEXT_TYPES = new Set(['knowledge_resource', 'dataset', 'agent_workflow']);
/** The budget category of a workflow's listing purchases: the marketplace's. */
export const LISTING_CATEGORY = 'marketplace_trading';

export interface WorkflowListing {
  id: string;
  /** Bought by the teacher phase (pay per use); otherwise the caller was entitled at submission. */
  buy: boolean;
}

export class ListingNotEntitledError extends AppError {
  constructor(id: string, why: string) {
    super(422, 'listing_not_entitled', `Listing ${id} cannot be used: ${why}`);
  }
}

export class ListingNotContextError extends AppError {
  constructor(id: string, type: string) {
    super(
      422,
      'listing_not_context',
      `Listing ${id} is a ${type}: only knowledge resources, datasets with a sample and agent workflows can be a workflow's context`,
    );
  }
}

/** The caller's standing with each named listing, or the first refusal (422), before anything is written. */
export async function checkWorkflowListings(
  deps: WorkflowDeps,
  ownerId: string,
  ids: string[],
): Promise<WorkflowListing[]> {
  if (ids.length === 0) return [];
  const read = await batchGet(deps.table, [
    ...ids.map(listingKey),
    ...ids.map((id) => entitlementKey(ownerId, id)),
  ]);
  const now = deps.clock.now();
  return ids.map((id) => {
    const item = read.get(listingKey(id));
    const listing = item && listingOf(item);
    const own = listing?.sellerId === ownerId;
    if (!listing || (listing.status !== 'active' && !own)) {
      throw new ListingNotEntitledError(id, 'no such active listing');
    }
    if (!CONTEXT_TYPES.has(listing.type) || (listing.type === 'dataset' && !listing.metadata.sampleUrl)) {
      throw new ListingNotContextError(
        id,
        listing.type === 'dataset' ? 'dataset without a sample' : listing.type,
      );
    }
    if (own) return { id, buy: false };
    // Pay per use: each workflow that uses it buys a use.
    if (listing.pricingModel === 'pay_per_use') return { id, buy: true };
    const entitlement = read.get(entitlementKey(ownerId, id));
    if (entitlement && statusOf(grantsOf(entitlement), now) === 'active') return { id, buy: false };
    throw new ListingNotEntitledError(
      id,
      `not entitled, and a ${listing.pricingModel} listing is bought in the marketplace`,
    );
  });
}

/** Buys the workflow's pay-per-use listings, once per workflow (a replay of the key is a purchase already made). */
export async function buyWorkflowListings(deps: WorkflowDeps, workflow: Workflow): Promise<void> {
  for (const listing of workflow.listings.filter((l) => l.buy)) {
    const idempotency: Idempotency<Order> = {
      scope: `workflow:${workflow.id}`,
      key: `listing:${listing.id}`,
      requestHash: `workflow-listing:${workflow.id}:${listing.id}`,
      render: (order) => ({ status: 201, body: JSON.stringify({ orderId: order.id }) }),
    };
    try {
      await checkout(
        deps,
        {
          buyer: { userId: workflow.ownerId, role: 'user' },
          listingIds: [listing.id],
          budgetId: workflow.budgetId,
          category: LISTING_CATEGORY,
        },
        idempotency,
      );
    } catch (error) {
      if (!(error instanceof IdempotentReplay)) throw error;
    }
  }
}

/** What the teacher is told of each listing: its terms and metadata (a dataset's sample link among them). */
export async function listingContext(deps: WorkflowDeps, workflow: Workflow): Promise<string> {
  if (workflow.listings.length === 0) return '';
  const read = await batchGet(
    deps.table,
    workflow.listings.map((l) => listingKey(l.id)),
  );
  const listings = workflow.listings
    .map((l) => read.get(listingKey(l.id)))
    .filter((item): item is Record<string, unknown> => item !== undefined)
    .map(listingOf);
  return listings.map(describe).join('\n');
}

const describe = (listing: Listing): string =>
  `- ${listing.title} (${listing.type}, listing ${listing.id}): ${listing.description}` +
  `${listing.tags.length ? ` Tags: ${listing.tags.join(', ')}.` : ''} Metadata: ${JSON.stringify(listing.metadata)}`;
