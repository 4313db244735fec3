import { bind, httpFunction, idempotent } from '#platform/http/http-function.js';
import { checkout } from '#shared/marketplace/checkout.js';
import type { Listing } from '#shared/marketplace/listing.js';
import {
  createListing,
  getListing,
  listSellerListings,
  updateListing,
} from '#shared/marketplace/listings.js';
import { marketplaceDeps } from '#shared/marketplace/marketplace-deps.js';
import type { Order } from '#shared/marketplace/order.js';
import { earningsOf, getOrder, listEntitlements, listOrders, listSales } from '#shared/marketplace/orders.js';
import { refundOrder } from '#shared/marketplace/refund.js';
import { listReviews, postReview, type Review, updateReview } from '#shared/marketplace/reviews.js';
import { searchListings } from '#shared/marketplace/search.js';
import {
  createListingRoute,
  createOrderRoute,
  getListingRoute,
  getOrderRoute,
  listOrdersRoute,
  listReviewsRoute,
  myEntitlementsRoute,
  myListingsRoute,
  mySalesRoute,
  postReviewRoute,
  putReviewRoute,
  refundOrderRoute,
  searchListingsRoute,
  updateListingRoute,
} from './contract.js';
import {
  earningsView,
  entitlementView,
  listingView,
  orderView,
  pageView,
  reviewView,
  saleView,
} from './views.js';

const listingAnswer = (status: number) => (listing: Listing) => ({ status, body: listingView(listing) });
const orderAnswer = (status: number) => (order: Order) => ({ status, body: orderView(order) });
const reviewAnswer = (status: number) => (review: Review) => ({ status, body: reviewView(review) });

export const handler = httpFunction([
  bind(createListingRoute, async (request) => {
    const { principal, body } = request;
    const input = { ...body, sellerId: principal.userId };
    return listingAnswer(201)(
      await createListing(marketplaceDeps(), principal, input, idempotent(request, listingAnswer(201))),
    );
  }),
  bind(searchListingsRoute, async ({ query }) => {
    const { minRating, ...rest } = query;
    const page = await searchListings(marketplaceDeps(), { ...rest, minRatingScaled: minRating });
    return { status: 200, body: pageView(page, listingView) };
  }),
  bind(getListingRoute, async ({ params, principal }) =>
    listingAnswer(200)(await getListing(marketplaceDeps(), params.listingId, principal)),
  ),
  bind(updateListingRoute, async ({ params, principal, body }) =>
    listingAnswer(200)(await updateListing(marketplaceDeps(), params.listingId, principal, body)),
  ),
  bind(myListingsRoute, async ({ principal, query }) => ({
    status: 200,
    body: pageView(await listSellerListings(marketplaceDeps(), principal.userId, query), listingView),
  })),
  bind(postReviewRoute, async (request) => {
    const input = { listingId: request.params.listingId, buyer: request.principal, ...request.body };
    return reviewAnswer(201)(
      await postReview(marketplaceDeps(), input, idempotent(request, reviewAnswer(201))),
    );
  }),
  bind(putReviewRoute, async ({ params, principal, body }) =>
    reviewAnswer(200)(
      await updateReview(marketplaceDeps(), { listingId: params.listingId, buyer: principal, ...body }),
    ),
  ),
  bind(listReviewsRoute, async ({ params, principal, query }) => ({
    status: 200,
    body: pageView(await listReviews(marketplaceDeps(), params.listingId, principal, query), reviewView),
  })),
  bind(createOrderRoute, async (request) => {
    const { body, principal } = request;
    const input = {
      buyer: principal,
      listingIds: body.items.map((item) => item.listingId),
      budgetId: body.budgetId,
      category: body.category,
    };
    return orderAnswer(201)(await checkout(marketplaceDeps(), input, idempotent(request, orderAnswer(201))));
  }),
  bind(listOrdersRoute, async ({ principal, query }) => ({
    status: 200,
    body: pageView(await listOrders(marketplaceDeps(), principal, query), orderView),
  })),
  bind(getOrderRoute, async ({ params, principal }) =>
    orderAnswer(200)(await getOrder(marketplaceDeps(), params.orderId, principal)),
  ),
  bind(refundOrderRoute, async (request) => {
    const input = { orderId: request.params.orderId, adminId: request.principal.userId };
    return orderAnswer(200)(
      await refundOrder(marketplaceDeps(), input, idempotent(request, orderAnswer(200))),
    );
  }),
  bind(myEntitlementsRoute, async ({ principal, query }) => ({
    status: 200,
    body: pageView(await listEntitlements(marketplaceDeps(), principal.userId, query), entitlementView),
  })),
  bind(mySalesRoute, async ({ principal, query }) => {
    const deps = marketplaceDeps();
    const [page, earnings] = await Promise.all([
      listSales(deps, principal.userId, query),
      earningsOf(deps, principal.userId),
    ]);
    return { status: 200, body: { ...pageView(page, saleView), earnings: earningsView(earnings) } };
  }),
]);
