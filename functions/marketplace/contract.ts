import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';
import { MAX_AMOUNT, MICRO_PER_FTNS, parseFtns } from '#platform/money.js';
import { pageQuerySchema, pageSchema } from '#platform/pagination.js';
import { ftns, idOf, keyedRecord, text, timestamp } from '#platform/schemas.js';
import {
  LISTING_STATUSES,
  LISTING_TYPES,
  type ListingType,
  MAX_ORDER_LINES,
  MAX_TAGS,
  PRICING_MODELS,
  QUALITY_GRADES,
  TAG_PATTERN,
} from '#shared/marketplace/catalogue.js';
import { metadataSchemas } from '#shared/marketplace/metadata.js';

const listingId = idOf('lst');
const orderId = idOf('ord');
const slug = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a slug such as marketplace_trading');
const tag = z.string().regex(TAG_PATTERN, 'must be a lowercase slug such as genomics');
const tags = z
  .array(tag)
  .max(MAX_TAGS)
  .refine((t) => new Set(t).size === t.length, 'must not repeat a tag');

/** A listed price: like an amount, but a free listing's is "0". */
export const priceSchema = z
  .string()
  .meta({ description: 'FTNS as a decimal string with at most 6 decimals; "0" for free', example: '29.99' })
  .transform((value, ctx) => {
    const micro = parseFtns(value);
    if (micro === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a decimal string with at most 6 decimals, e.g. "29.99"',
      });
      return z.NEVER;
    }
    if (micro > MAX_AMOUNT) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_AMOUNT / MICRO_PER_FTNS} FTNS` });
      return z.NEVER;
    }
    return micro;
  });

/** A minimum average rating, 0 to 5 with at most two decimals, as the integer the index compares (x 10,000). */
const minRating = z
  .string()
  .regex(/^[0-5](\.\d{1,2})?$/, 'must be a rating from 0 to 5, e.g. "4.5"')
  .transform((value, ctx) => {
    const [whole = '0', fraction = ''] = value.split('.');
    const scaled = Number(whole) * 10_000 + Number(fraction.padEnd(4, '0'));
    if (scaled > 50_000) {
      ctx.addIssue({ code: 'custom', message: 'must be at most 5' });
      return z.NEVER;
    }
    return scaled;
  });

const listingFields = {
  title: text(120).min(1),
  description: text(5000).min(1),
  tags: tags.optional(),
  price: priceSchema.optional(),
  pricingModel: z.enum(PRICING_MODELS),
  qualityGrade: z.enum(QUALITY_GRADES).optional(),
  status: z.enum(['draft', 'active']).optional(),
};

const listingOfType = <T extends ListingType>(type: T) =>
  z.strictObject({ type: z.literal(type), ...listingFields, metadata: metadataSchemas[type] });

/** One strict shape per resource type, told apart by `type`: metadata of another type is a 422. */
export const newListingSchema = z.discriminatedUnion('type', [
  listingOfType('ai_model'),
  listingOfType('dataset'),
  listingOfType('agent_workflow'),
  listingOfType('mcp_tool'),
  listingOfType('compute_resource'),
  listingOfType('knowledge_resource'),
  listingOfType('evaluation_service'),
  listingOfType('training_service'),
  listingOfType('safety_tool'),
]);

export const listingSchema = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    type: z.enum(LISTING_TYPES),
    title: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    price: ftns,
    pricingModel: z.enum(PRICING_MODELS),
    qualityGrade: z.enum(QUALITY_GRADES),
    status: z.enum(LISTING_STATUSES),
    metadata: z
      .record(z.string(), z.unknown())
      .meta({ description: "The type's metadata (see the create request)" }),
    rating: z.object({
      count: z.number().int(),
      sum: z.number().int(),
      average: z
        .string()
        .nullable()
        .meta({ description: 'sum / count with two decimals, null before any review' }),
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Listing' });

const lineSchema = z.object({
  listingId: z.string(),
  sellerId: z.string(),
  title: z.string(),
  type: z.enum(LISTING_TYPES),
  pricingModel: z.enum(PRICING_MODELS),
  price: ftns,
  fee: ftns,
  proceeds: ftns.meta({ description: 'What the seller receives: price − fee' }),
});

export const orderSchema = z
  .object({
    id: z.string(),
    buyerId: z.string(),
    status: z.enum(['completed', 'refunded']),
    lines: z.array(lineSchema),
    total: ftns,
    fee: ftns,
    budgetId: z.string(),
    category: z.string(),
    createdAt: timestamp,
    refund: z.object({ id: z.string(), refundedAt: timestamp, refundedBy: z.string() }).optional(),
  })
  .meta({ id: 'Order' });

export const entitlementSchema = z
  .object({
    listingId: z.string(),
    sellerId: z.string(),
    type: z.enum(LISTING_TYPES),
    title: z.string(),
    pricingModel: z.enum(PRICING_MODELS),
    status: z.enum(['active', 'pending', 'revoked', 'expired']).meta({
      description: 'active while any unrefunded grant is valid; pending: the paid period starts later',
    }),
    uses: z.number().int().meta({ description: 'Pay-per-use: uses bought and not refunded' }),
    validUntil: timestamp.nullable().meta({ description: 'Subscriptions: when the last paid period ends' }),
    lastOrderId: z.string(),
    acquiredAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Entitlement' });

export const saleSchema = z
  .object({
    orderId: z.string(),
    buyerId: z.string(),
    status: z.enum(['completed', 'refunded']),
    lines: z.array(lineSchema),
    gross: ftns,
    fee: ftns,
    net: ftns,
    createdAt: timestamp,
    refundedAt: timestamp.optional(),
  })
  .meta({ id: 'Sale' });

export const earningsSchema = z
  .object({
    sales: z.number().int(),
    refunded: z.number().int(),
    gross: ftns,
    fees: ftns,
    net: ftns,
  })
  .meta({ id: 'Earnings' });

export const reviewSchema = z
  .object({
    listingId: z.string(),
    buyerId: z.string(),
    rating: z.number().int().min(1).max(5),
    text: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Review' });

const tagsOf = ['marketplace'];
const listingParams = z.object({ listingId });
const reviewBody = z.strictObject({ rating: z.number().int().min(1).max(5), text: text(2000).min(1) });

export const createListingRoute = defineRoute({
  method: 'POST',
  path: '/v1/listings',
  operationId: 'createListing',
  access: 'user',
  summary: 'List a resource for sale (the caller is the seller)',
  tags: tagsOf,
  idempotencyKey: 'optional',
  body: newListingSchema,
  errors: { 403: ['forbidden'] },
  responses: { 201: { description: 'The listing', schema: listingSchema, location: '/v1/listings/{id}' } },
});

export const searchListingsRoute = defineRoute({
  method: 'GET',
  path: '/v1/listings',
  operationId: 'searchListings',
  access: 'user',
  summary:
    'Search the active catalogue: filter by type, tag, text, price and rating; sort by price, rating or newest',
  tags: tagsOf,
  query: pageQuerySchema.extend({
    type: z.enum(LISTING_TYPES).optional(),
    tag: tag.optional(),
    q: text(200).optional().meta({ description: 'Words that must all appear in the title or description' }),
    minPrice: priceSchema.optional(),
    maxPrice: priceSchema.optional(),
    minRating: minRating.optional(),
    sort: z.enum(['price', 'rating', 'newest']).default('newest'),
    order: z
      .enum(['asc', 'desc'])
      .optional()
      .meta({ description: 'Default: price ascending, rating and newest descending' }),
  }),
  responses: { 200: { description: 'A page of listings', schema: pageSchema(listingSchema) } },
});

export const getListingRoute = defineRoute({
  method: 'GET',
  path: '/v1/listings/{listingId}',
  operationId: 'getListing',
  access: 'user',
  summary:
    'A listing: active and retired ones to anyone, drafts and suspended ones to their seller and admins',
  tags: tagsOf,
  params: listingParams,
  responses: { 200: { description: 'The listing', schema: listingSchema } },
});

export const updateListingRoute = defineRoute({
  method: 'PATCH',
  path: '/v1/listings/{listingId}',
  operationId: 'updateListing',
  access: 'user',
  summary: 'Edit, publish or retire a listing (seller); suspend, reinstate or grade it (admin)',
  tags: tagsOf,
  params: listingParams,
  body: z
    .strictObject({
      title: text(120).min(1).optional(),
      description: text(5000).min(1).optional(),
      tags: tags.optional(),
      price: priceSchema.optional(),
      pricingModel: z.enum(PRICING_MODELS).optional(),
      metadata: keyedRecord(z.string(), z.unknown())
        .optional()
        .meta({ description: "Replaces the metadata; checked against the listing's type" }),
      qualityGrade: z.enum(QUALITY_GRADES).optional(),
      status: z.enum(LISTING_STATUSES).optional(),
    })
    .refine((body) => Object.keys(body).length > 0, 'must change at least one field'),
  errors: { 403: ['forbidden'], 409: ['listing_retired', 'listing_suspended', 'pricing_model_locked'] },
  responses: { 200: { description: 'The listing', schema: listingSchema } },
});

export const myListingsRoute = defineRoute({
  method: 'GET',
  path: '/v1/me/listings',
  operationId: 'listMyListings',
  access: 'user',
  summary: "The caller's listings in every status, newest first",
  tags: tagsOf,
  query: pageQuerySchema.extend({ status: z.enum(LISTING_STATUSES).optional() }),
  responses: { 200: { description: 'A page of listings', schema: pageSchema(listingSchema) } },
});

export const postReviewRoute = defineRoute({
  method: 'POST',
  path: '/v1/listings/{listingId}/reviews',
  operationId: 'createReview',
  access: 'user',
  summary: 'Review a listing you bought (once; edit it with PUT .../reviews/mine)',
  tags: tagsOf,
  idempotencyKey: 'optional',
  params: listingParams,
  body: reviewBody,
  errors: { 403: ['not_a_buyer'], 409: ['already_reviewed'] },
  responses: { 201: { description: 'The review', schema: reviewSchema } },
});

export const putReviewRoute = defineRoute({
  method: 'PUT',
  path: '/v1/listings/{listingId}/reviews/mine',
  operationId: 'updateMyReview',
  access: 'user',
  summary: "Change the caller's review of a listing",
  tags: tagsOf,
  params: listingParams,
  body: reviewBody,
  responses: { 200: { description: 'The review', schema: reviewSchema } },
});

export const listReviewsRoute = defineRoute({
  method: 'GET',
  path: '/v1/listings/{listingId}/reviews',
  operationId: 'listReviews',
  access: 'user',
  summary: "A listing's reviews, newest first",
  tags: tagsOf,
  params: listingParams,
  query: pageQuerySchema,
  responses: { 200: { description: 'A page of reviews', schema: pageSchema(reviewSchema) } },
});

export const createOrderRoute = defineRoute({
  method: 'POST',
  path: '/v1/orders',
  operationId: 'createOrder',
  access: 'user',
  summary: "Buy listings from the caller's balance, charged to a budget and category: all lines or none",
  tags: tagsOf,
  idempotencyKey: 'required',
  body: z
    .strictObject({
      items: z.array(z.strictObject({ listingId })).min(1).max(MAX_ORDER_LINES),
      budgetId: idOf('bud'),
      category: slug,
    })
    .superRefine((body, ctx) => {
      const seen = new Set<string>();
      body.items.forEach((item, i) => {
        if (seen.has(item.listingId))
          ctx.addIssue({
            code: 'custom',
            path: ['items', i, 'listingId'],
            message: 'appears twice in the order',
          });
        seen.add(item.listingId);
      });
    }),
  errors: {
    402: ['budget_exceeded', 'insufficient_funds'],
    404: ['not_found'],
    409: [
      'already_owned',
      'budget_closed',
      'budget_suspended',
      'entitlement_changed',
      'listing_unavailable',
      'price_changed',
    ],
    422: ['order_too_large', 'own_listing', 'unknown_listing'],
  },
  responses: { 201: { description: 'The order', schema: orderSchema, location: '/v1/orders/{id}' } },
});

export const listOrdersRoute = defineRoute({
  method: 'GET',
  path: '/v1/orders',
  operationId: 'listOrders',
  access: 'user',
  summary: "The caller's orders, newest first (admins: any buyer's, with buyerId)",
  tags: tagsOf,
  query: pageQuerySchema.extend({ buyerId: idOf('usr').optional() }),
  errors: { 403: ['forbidden'] },
  responses: { 200: { description: 'A page of orders', schema: pageSchema(orderSchema) } },
});

export const getOrderRoute = defineRoute({
  method: 'GET',
  path: '/v1/orders/{orderId}',
  operationId: 'getOrder',
  access: 'user',
  summary: 'An order (its buyer and admins)',
  tags: tagsOf,
  params: z.object({ orderId }),
  responses: { 200: { description: 'The order', schema: orderSchema } },
});

export const refundOrderRoute = defineRoute({
  method: 'POST',
  path: '/v1/orders/{orderId}/refund',
  operationId: 'refundOrder',
  access: 'admin',
  summary: 'Reverse an order: transfers back, budget credited back, entitlements taken back; once',
  tags: tagsOf,
  idempotencyKey: 'required',
  params: z.object({ orderId }),
  errors: { 409: ['already_refunded', 'refund_not_covered'] },
  responses: { 200: { description: 'The refunded order', schema: orderSchema } },
});

export const myEntitlementsRoute = defineRoute({
  method: 'GET',
  path: '/v1/me/entitlements',
  operationId: 'listMyEntitlements',
  access: 'user',
  summary: 'What the caller owns: one entitlement per listing bought',
  tags: tagsOf,
  query: pageQuerySchema,
  responses: { 200: { description: 'A page of entitlements', schema: pageSchema(entitlementSchema) } },
});

export const mySalesRoute = defineRoute({
  method: 'GET',
  path: '/v1/me/sales',
  operationId: 'listMySales',
  access: 'user',
  summary: "The caller's sales, newest first, and their earnings over all sales",
  tags: tagsOf,
  query: pageQuerySchema,
  responses: {
    200: {
      description: 'A page of sales and the totals',
      schema: pageSchema(saleSchema).extend({ earnings: earningsSchema }),
    },
  },
});

export const marketplaceRoutes = [
  createListingRoute,
  searchListingsRoute,
  getListingRoute,
  updateListingRoute,
  myListingsRoute,
  postReviewRoute,
  putReviewRoute,
  listReviewsRoute,
  createOrderRoute,
  listOrdersRoute,
  getOrderRoute,
  refundOrderRoute,
  myEntitlementsRoute,
  mySalesRoute,
];
