import { batchGet } from '#platform/batch-get.js';
import { UnavailableError } from '#platform/errors.js';
import type { Principal } from '#platform/http/principal.js';
import type { Idempotency } from '#platform/idempotency.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import { Transaction } from '#platform/transaction.js';
import { entitlementKey } from './entitlement.js';
import {
  AlreadyReviewedError,
  ListingChangedError,
  ListingNotFoundError,
  NotABuyerError,
  ReviewNotFoundError,
} from './errors.js';
import { type Listing, listingKey, listingOf, listingWrites } from './listing.js';
import { canSee, type ListingDeps } from './listings.js';

/**
 * Reviews: one per buyer and listing (its key is the pair), 1 to 5 stars and a text. A first
 * review is a POST (a second POST is 409 `already_reviewed`), a change is a PUT of the caller's
 * review. The listing keeps its rating as an integer sum and count, written in the same
 * transaction as the review on condition that the listing is unchanged since it was read, so the
 * figures are exact under concurrent reviews (a conflict reads again and retries).
 */
export interface Review {
  listingId: string;
  buyerId: string;
  rating: number;
  text: string;
  createdAt: string;
  updatedAt: string;
}

export const REVIEW_INDEX = 'gsi1';
const reviewKey = (listingId: string, buyerId: string) => ({
  pk: `LISTING#${listingId}`,
  sk: `REVIEW#${buyerId}`,
});
const reviewsPartition = (listingId: string) => `LISTING_REVIEWS#${listingId}`;

const reviewItem = (review: Review) => ({
  ...reviewKey(review.listingId, review.buyerId),
  type: 'review',
  ...review,
  gsi1pk: reviewsPartition(review.listingId),
  gsi1sk: `${review.createdAt}#${review.buyerId}`,
});

const reviewOf = (item: Record<string, unknown>): Review => ({
  listingId: String(item.listingId),
  buyerId: String(item.buyerId),
  rating: Number(item.rating),
  text: String(item.text),
  createdAt: String(item.createdAt),
  updatedAt: String(item.updatedAt),
});

type Actor = Pick<Principal, 'userId' | 'role'>;
/** Reviews of one listing rarely race; when they do, each round admits one writer, so allow a few. */
const MAX_ATTEMPTS = 10;

/** Retries a read-then-write whose listing changed between the two, with jittered backoff. */
async function withListingRetries<T>(deps: ListingDeps, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof ListingChangedError)) throw error;
      if (attempt >= MAX_ATTEMPTS)
        throw new UnavailableError('The listing is changing too fast, retry shortly');
      await deps.retry.sleep(Math.random() * deps.retry.baseDelayMs * 2 ** Math.min(attempt, 5));
    }
  }
}

const rated = (listing: Listing, sumDelta: number, countDelta: number): Listing => ({
  ...listing,
  ratingSum: listing.ratingSum + sumDelta,
  ratingCount: listing.ratingCount + countDelta,
  version: listing.version + 1,
});

function addListingWrites(tx: Transaction, tableName: string, before: Listing, after: Listing): void {
  for (const leg of listingWrites(tableName, before, after)) tx.add(leg.item, leg.onConditionFailed);
}

export function postReview(
  deps: ListingDeps,
  input: { listingId: string; buyer: Actor; rating: number; text: string },
  idempotency?: Idempotency<Review>,
): Promise<Review> {
  const buyerId = input.buyer.userId;
  return withListingRetries(deps, async () => {
    const read = await batchGet(deps.table, [
      listingKey(input.listingId),
      reviewKey(input.listingId, buyerId),
      entitlementKey(buyerId, input.listingId),
    ]);
    const item = read.get(listingKey(input.listingId));
    const listing = item && listingOf(item);
    if (!listing || !canSee(listing, input.buyer)) throw new ListingNotFoundError();
    // Whoever bought it, even if a refund took it back since: they know what they review.
    if (!read.get(entitlementKey(buyerId, input.listingId))) throw new NotABuyerError();
    if (read.get(reviewKey(input.listingId, buyerId))) throw new AlreadyReviewedError();
    const now = deps.clock.now().toISOString();
    const review: Review = {
      listingId: input.listingId,
      buyerId,
      rating: input.rating,
      text: input.text,
      createdAt: now,
      updatedAt: now,
    };
    const tx = new Transaction(deps.table).add(
      {
        Put: {
          TableName: deps.table.name,
          Item: reviewItem(review),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      () => new AlreadyReviewedError(),
    );
    addListingWrites(tx, deps.table.name, listing, rated(listing, input.rating, 1));
    await tx.idempotent(idempotency, review, deps.clock.now()).commit(deps.retry);
    return review;
  });
}

export function updateReview(
  deps: ListingDeps,
  input: { listingId: string; buyer: Actor; rating: number; text: string },
): Promise<Review> {
  const buyerId = input.buyer.userId;
  return withListingRetries(deps, async () => {
    const read = await batchGet(deps.table, [
      listingKey(input.listingId),
      reviewKey(input.listingId, buyerId),
    ]);
    const item = read.get(listingKey(input.listingId));
    const listing = item && listingOf(item);
    if (!listing || !canSee(listing, input.buyer)) throw new ListingNotFoundError();
    const found = read.get(reviewKey(input.listingId, buyerId));
    if (!found) throw new ReviewNotFoundError();
    const before = reviewOf(found);
    const review: Review = {
      ...before,
      rating: input.rating,
      text: input.text,
      updatedAt: deps.clock.now().toISOString(),
    };
    const tx = new Transaction(deps.table).add(
      {
        Put: {
          TableName: deps.table.name,
          Item: reviewItem(review),
          // The listing's sum holds the old rating: it must still be the review's.
          ConditionExpression: 'rating = :old',
          ExpressionAttributeValues: { ':old': before.rating },
        },
      },
      () => new ListingChangedError(),
    );
    if (review.rating !== before.rating)
      addListingWrites(tx, deps.table.name, listing, rated(listing, review.rating - before.rating, 0));
    await tx.commit(deps.retry);
    return review;
  });
}

export async function listReviews(
  deps: ListingDeps,
  listingId: string,
  actor: Actor,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Review>> {
  const read = await batchGet(deps.table, [listingKey(listingId)]);
  const item = read.get(listingKey(listingId));
  if (!item || !canSee(listingOf(item), actor)) throw new ListingNotFoundError();
  return queryPage(
    deps.table,
    {
      index: REVIEW_INDEX,
      partitionKeyName: 'gsi1pk',
      partitionKey: reviewsPartition(listingId),
      newestFirst: true,
    },
    page,
    reviewOf,
  );
}
