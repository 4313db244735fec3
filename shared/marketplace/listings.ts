import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#platform/clock.js';
import { ForbiddenError, UnavailableError, ValidationError } from '#platform/errors.js';
import type { Principal } from '#platform/http/principal.js';
import type { Idempotency } from '#platform/idempotency.js';
import { newId } from '#platform/ids.js';
import type { Micro } from '#platform/money.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import type { Table } from '#platform/table.js';
import { type RetryPolicy, Transaction } from '#platform/transaction.js';
import {
  gradeRank,
  type ListingStatus,
  type ListingType,
  type PricingModel,
  type QualityGrade,
  SELF_GRADE_CEILING,
} from './catalogue.js';
import {
  GradeForbiddenError,
  ListingChangedError,
  ListingNotFoundError,
  ListingRetiredError,
  ListingSuspendedError,
  PricingModelLockedError,
} from './errors.js';
import {
  type Listing,
  listingKey,
  listingOf,
  listingWrites,
  SELLER_INDEX,
  sellerPartition,
} from './listing.js';
import { metadataSchemas } from './metadata.js';

/** Listings need only the table, a clock and the retry policy (no budgets, no ledger). */
export interface ListingDeps {
  table: Table;
  clock: Clock;
  retry: RetryPolicy;
}

export interface NewListing {
  /** Chosen by the caller only for deterministic demo data; otherwise a new `lst_` id. */
  id?: string;
  sellerId: string;
  type: ListingType;
  title: string;
  description: string;
  tags?: string[];
  price?: Micro;
  pricingModel: PricingModel;
  metadata: Record<string, unknown>;
  qualityGrade?: QualityGrade;
  status?: 'draft' | 'active';
}

export interface ListingChange {
  title?: string;
  description?: string;
  tags?: string[];
  price?: Micro;
  pricingModel?: PricingModel;
  metadata?: unknown;
  qualityGrade?: QualityGrade;
  status?: ListingStatus;
}

type Actor = Pick<Principal, 'userId' | 'role'>;
const isAdmin = (actor: Actor) => actor.role === 'admin';

/** A free listing costs nothing; every other pricing model has a price. */
function checkTerms(price: Micro, pricingModel: PricingModel): void {
  if (pricingModel === 'free' && price !== 0n)
    throw new ValidationError([{ path: 'body.price', message: 'must be 0 for a free listing' }]);
  if (pricingModel !== 'free' && price === 0n)
    throw new ValidationError([{ path: 'body.price', message: `is required for a ${pricingModel} listing` }]);
}

function checkGrade(actor: Actor, from: QualityGrade | undefined, to: QualityGrade): void {
  const raised = from === undefined || gradeRank(to) > gradeRank(from);
  if (raised && gradeRank(to) > gradeRank(SELF_GRADE_CEILING) && !isAdmin(actor))
    throw new GradeForbiddenError();
}

function parseMetadata(type: ListingType, metadata: unknown): Record<string, unknown> {
  const parsed = metadataSchemas[type].safeParse(metadata);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  throw new ValidationError(
    parsed.error.issues.map((issue) => ({
      path: ['body', 'metadata', ...issue.path.map(String)].join('.'),
      message: `${issue.message} (for a ${type})`,
    })),
  );
}

const uniqueTags = (tags: string[] | undefined): string[] => [...new Set(tags ?? [])];

async function commitListing(
  deps: ListingDeps,
  before: Listing | undefined,
  after: Listing,
  idempotency?: Idempotency<Listing>,
): Promise<Listing> {
  const tx = new Transaction(deps.table);
  for (const leg of listingWrites(deps.table.name, before, after)) tx.add(leg.item, leg.onConditionFailed);
  await tx.idempotent(idempotency, after, deps.clock.now()).commit(deps.retry);
  return after;
}

export async function createListing(
  deps: ListingDeps,
  actor: Actor,
  input: NewListing,
  idempotency?: Idempotency<Listing>,
): Promise<Listing> {
  const price = input.price ?? 0n;
  checkTerms(price, input.pricingModel);
  const qualityGrade = input.qualityGrade ?? SELF_GRADE_CEILING;
  checkGrade(actor, undefined, qualityGrade);
  const now = deps.clock.now().toISOString();
  const listing: Listing = {
    id: input.id ?? newId('lst'),
    sellerId: input.sellerId,
    type: input.type,
    title: input.title,
    description: input.description,
    tags: uniqueTags(input.tags),
    price,
    pricingModel: input.pricingModel,
    qualityGrade,
    status: input.status ?? 'active',
    metadata: parseMetadata(input.type, input.metadata),
    ratingCount: 0,
    ratingSum: 0,
    version: 1,
    firstSoldAt: null,
    createdAt: now,
    updatedAt: now,
  };
  return commitListing(deps, undefined, listing, idempotency);
}

export async function readListing(
  deps: Pick<ListingDeps, 'table'>,
  id: string,
): Promise<Listing | undefined> {
  const { Item } = await deps.table.doc.send(
    new GetCommand({ TableName: deps.table.name, Key: listingKey(id), ConsistentRead: true }),
  );
  return Item ? listingOf(Item) : undefined;
}

/** Active and retired listings are public (buyers look back at what they bought); drafts and suspended ones are the seller's. */
export const canSee = (listing: Listing, actor: Actor): boolean =>
  listing.status === 'active' ||
  listing.status === 'retired' ||
  listing.sellerId === actor.userId ||
  isAdmin(actor);

export async function getListing(
  deps: Pick<ListingDeps, 'table'>,
  id: string,
  actor: Actor,
): Promise<Listing> {
  const listing = await readListing(deps, id);
  if (!listing || !canSee(listing, actor)) throw new ListingNotFoundError();
  return listing;
}

/** What `actor` may change, applied to `listing`; throws when the change is not theirs to make. */
function applyChange(listing: Listing, actor: Actor, change: ListingChange, now: string): Listing {
  const isSeller = listing.sellerId === actor.userId;
  if (!isSeller) {
    // Admins moderate other sellers' listings: suspend or reinstate them, and grade them.
    const moderation = Object.keys(change).every((field) => field === 'status' || field === 'qualityGrade');
    if (!isAdmin(actor)) throw new ForbiddenError('Only the seller may change a listing');
    if (!moderation)
      throw new ForbiddenError("Admins change only the status and quality grade of another seller's listing");
  }
  if (listing.status === 'retired') throw new ListingRetiredError();
  if (change.status !== undefined && change.status !== listing.status) {
    if (change.status === 'suspended' && !isAdmin(actor))
      throw new ForbiddenError('Only admins suspend listings');
    if (listing.status === 'suspended' && !isAdmin(actor)) throw new ListingSuspendedError();
  }
  if (change.qualityGrade !== undefined) checkGrade(actor, listing.qualityGrade, change.qualityGrade);
  if (
    change.pricingModel !== undefined &&
    change.pricingModel !== listing.pricingModel &&
    listing.firstSoldAt
  )
    throw new PricingModelLockedError();
  const next: Listing = {
    ...listing,
    ...(change.title !== undefined ? { title: change.title } : {}),
    ...(change.description !== undefined ? { description: change.description } : {}),
    ...(change.tags !== undefined ? { tags: uniqueTags(change.tags) } : {}),
    ...(change.price !== undefined ? { price: change.price } : {}),
    ...(change.pricingModel !== undefined ? { pricingModel: change.pricingModel } : {}),
    ...(change.qualityGrade !== undefined ? { qualityGrade: change.qualityGrade } : {}),
    ...(change.status !== undefined ? { status: change.status } : {}),
    ...(change.metadata !== undefined ? { metadata: parseMetadata(listing.type, change.metadata) } : {}),
    version: listing.version + 1,
    updatedAt: now,
  };
  // Making a listing free without saying so drops its price; giving a free listing a model needs one.
  if (change.pricingModel === 'free' && change.price === undefined) next.price = 0n;
  checkTerms(next.price, next.pricingModel);
  return next;
}

/** Seller edits, retirement, admin moderation: read, change, write on condition that nothing changed since. */
export async function updateListing(
  deps: ListingDeps,
  id: string,
  actor: Actor,
  change: ListingChange,
): Promise<Listing> {
  for (let attempt = 1; ; attempt++) {
    const listing = await getListing(deps, id, actor);
    const next = applyChange(listing, actor, change, deps.clock.now().toISOString());
    try {
      return await commitListing(deps, listing, next);
    } catch (error) {
      if (!(error instanceof ListingChangedError)) throw error;
      if (attempt >= 5) throw new UnavailableError('The listing is changing too fast, retry shortly');
      await deps.retry.sleep(Math.random() * deps.retry.baseDelayMs * 2 ** attempt);
    }
  }
}

/** A seller's listings in every status, newest first. */
export function listSellerListings(
  deps: Pick<ListingDeps, 'table'>,
  sellerId: string,
  page: { limit: number; cursor?: string | undefined; status?: ListingStatus | undefined },
): Promise<Page<Listing>> {
  return queryPage(
    deps.table,
    {
      index: SELLER_INDEX,
      partitionKeyName: 'gsi1pk',
      partitionKey: sellerPartition(sellerId),
      newestFirst: true,
      ...(page.status
        ? {
            filter: {
              expression: '#status = :status',
              values: { ':status': page.status },
              names: { '#status': 'status' },
            },
          }
        : {}),
    },
    page,
    listingOf,
  );
}
