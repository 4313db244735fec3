import { batchGet } from '#platform/batch-get.js';
import type { Principal } from '#platform/http/principal.js';
import type { Micro } from '#platform/money.js';
import { ListingUnavailableError, OwnListingError, UnknownListingError } from './errors.js';
import { listingKey, listingOf } from './listing.js';
import { canSee } from './listings.js';
import type { MarketplaceDeps } from './marketplace-deps.js';

/**
 * A basket of listings priced as checkout would charge them to a budget category (the buyer
 * pays each price; the fee comes out of the seller's proceeds), for an estimate. One read; the
 * refusals are checkout's, so an estimate says early what the order would be refused for.
 */
export async function basketLines(
  deps: Pick<MarketplaceDeps, 'table'>,
  buyer: Pick<Principal, 'userId' | 'role'>,
  listingIds: string[],
  category: string,
): Promise<{ category: string; amount: Micro }[]> {
  const read = await batchGet(deps.table, listingIds.map(listingKey));
  return listingIds.map((id, index) => {
    const path = `body.items.${index}.listingId`;
    const item = read.get(listingKey(id));
    const listing = item && listingOf(item);
    if (!listing || !canSee(listing, buyer)) throw new UnknownListingError(path);
    if (listing.sellerId === buyer.userId) throw new OwnListingError(path);
    if (listing.status !== 'active') throw new ListingUnavailableError(path, listing.status);
    return { category, amount: listing.price };
  });
}
