import { formatFtns } from '#platform/money.js';
import type { Page } from '#platform/pagination.js';
import type { Entitlement } from '#shared/marketplace/entitlement.js';
import type { Listing } from '#shared/marketplace/listing.js';
import type { Sale } from '#shared/marketplace/order.js';
import { lineView } from '#shared/marketplace/order-view.js';
import type { Earnings } from '#shared/marketplace/orders.js';
import type { Review } from '#shared/marketplace/reviews.js';

/** sum / count with two decimals, rounded half-up from integers: (9, 2) -> "4.50". */
export function averageRating(sum: number, count: number): string | null {
  if (count === 0) return null;
  const hundredths = Math.floor((sum * 200 + count) / (2 * count));
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

export const listingView = ({
  price,
  ratingCount,
  ratingSum,
  version: _version,
  firstSoldAt: _firstSoldAt,
  ...rest
}: Listing) => ({
  ...rest,
  price: formatFtns(price),
  rating: { count: ratingCount, sum: ratingSum, average: averageRating(ratingSum, ratingCount) },
});

export { orderView } from '#shared/marketplace/order-view.js';

export const entitlementView = ({ buyerId: _buyerId, ...rest }: Entitlement) => rest;

export const saleView = ({ sellerId: _sellerId, lines, gross, fee, net, ...rest }: Sale) => ({
  ...rest,
  lines: lines.map(lineView),
  gross: formatFtns(gross),
  fee: formatFtns(fee),
  net: formatFtns(net),
});

export const earningsView = ({ gross, fees, net, ...rest }: Earnings) => ({
  ...rest,
  gross: formatFtns(gross),
  fees: formatFtns(fees),
  net: formatFtns(net),
});

export const reviewView = (review: Review) => review;

export const pageView = <T, V>(page: Page<T>, view: (item: T) => V): Page<V> => ({
  items: page.items.map(view),
  nextCursor: page.nextCursor,
});
