import type { TransactItem } from '#platform/transaction.js';
import { type ListingType, type PricingModel, SUBSCRIPTION_MS } from './catalogue.js';
import { AlreadyOwnedError, EntitlementChangedError } from './errors.js';
import type { Leg, Listing } from './listing.js';

/**
 * What a buyer holds of a listing: one item per buyer and listing, whatever the number of
 * orders, so that its key is known before any read (`attribute_not_exists` on it makes a second
 * one-time purchase fail inside the checkout's own transaction). Pay-per-use adds a use per
 * order line, a subscription extends its end by 30 days, a refund takes back what its order gave.
 */
export type EntitlementStatus = 'active' | 'revoked' | 'expired';

export interface Entitlement {
  buyerId: string;
  listingId: string;
  sellerId: string;
  type: ListingType;
  title: string;
  /** The model of the last purchase. */
  pricingModel: PricingModel;
  status: EntitlementStatus;
  /** Pay-per-use: uses bought and not refunded. */
  uses: number;
  /** Subscriptions: when the last period ends. */
  validUntil: string | null;
  lastOrderId: string;
  acquiredAt: string;
  updatedAt: string;
}

/** As stored; `status` is derived when it is read (a subscription expires with no write). */
export interface StoredEntitlement {
  revoked: boolean;
  pricingModel: PricingModel;
  uses: number;
  validUntilMs: number | null;
}

export const entitlementPartition = (buyerId: string) => `ENTITLEMENTS#${buyerId}`;
export const entitlementKey = (buyerId: string, listingId: string) => ({
  pk: entitlementPartition(buyerId),
  sk: `LISTING#${listingId}`,
});

export function storedEntitlementOf(item: Record<string, unknown>): StoredEntitlement {
  return {
    revoked: Boolean(item.revoked),
    pricingModel: item.pricingModel as PricingModel,
    uses: Number(item.uses ?? 0),
    validUntilMs: item.validUntilMs === undefined ? null : Number(item.validUntilMs),
  };
}

export function statusOf(stored: StoredEntitlement, now: Date): EntitlementStatus {
  if (stored.revoked) return 'revoked';
  if (stored.pricingModel === 'pay_per_use' && stored.uses <= 0) return 'revoked';
  if (stored.pricingModel === 'subscription' && (stored.validUntilMs ?? 0) <= now.getTime()) return 'expired';
  return 'active';
}

/** Whether a one-time purchase of this listing would be a second one. */
export const ownsForGood = (stored: StoredEntitlement | undefined): boolean =>
  stored !== undefined && !stored.revoked && stored.pricingModel === 'one_time';

export function entitlementOf(item: Record<string, unknown>, now: Date): Entitlement {
  const stored = storedEntitlementOf(item);
  return {
    buyerId: String(item.buyerId),
    listingId: String(item.listingId),
    sellerId: String(item.sellerId),
    type: item.resourceType as ListingType,
    title: String(item.title),
    pricingModel: stored.pricingModel,
    status: statusOf(stored, now),
    uses: stored.uses,
    validUntil: stored.validUntilMs === null ? null : new Date(stored.validUntilMs).toISOString(),
    lastOrderId: String(item.lastOrderId),
    acquiredAt: String(item.acquiredAt),
    updatedAt: String(item.updatedAt),
  };
}

/** A subscription bought now runs 30 days from the end of the current one, or from now when there is none. */
export function subscriptionEnd(stored: StoredEntitlement | undefined, now: Date): number {
  const current = stored && !stored.revoked ? (stored.validUntilMs ?? 0) : 0;
  return Math.max(current, now.getTime()) + SUBSCRIPTION_MS;
}

/** The entitlement's write in a checkout: one per order line. */
export function purchaseLeg(
  tableName: string,
  input: {
    buyerId: string;
    listing: Listing;
    orderId: string;
    seen: StoredEntitlement | undefined;
    path: string;
  },
  now: Date,
): Leg {
  const { listing, seen } = input;
  const sets = [
    'buyerId = :buyer',
    'listingId = :listing',
    'sellerId = :seller',
    'resourceType = :rtype',
    'title = :title',
    'pricingModel = :model',
    'lastOrderId = :order',
    'updatedAt = :now',
    'acquiredAt = if_not_exists(acquiredAt, :now)',
    'revoked = :false',
    '#type = :type',
  ];
  const values: Record<string, unknown> = {
    ':buyer': input.buyerId,
    ':listing': listing.id,
    ':seller': listing.sellerId,
    ':rtype': listing.type,
    ':title': listing.title,
    ':model': listing.pricingModel,
    ':order': input.orderId,
    ':now': now.toISOString(),
    ':false': false,
    ':type': 'entitlement',
  };
  let add = '';
  let condition: string | undefined;
  let onConditionFailed: Leg['onConditionFailed'];
  switch (listing.pricingModel) {
    case 'one_time':
      // Owned for good unless a refund revoked it (or it was last bought under another model).
      condition = 'attribute_not_exists(pk) OR revoked = :true OR pricingModel <> :model';
      values[':true'] = true;
      onConditionFailed = () => new AlreadyOwnedError(input.path);
      break;
    case 'pay_per_use':
      add = ' ADD uses :one';
      values[':one'] = 1;
      break;
    case 'subscription':
      // The new end depends on the current one as read: written on condition that it is still that.
      sets.push('validUntilMs = :until');
      values[':until'] = subscriptionEnd(seen, now);
      if (seen?.validUntilMs == null) {
        condition = 'attribute_not_exists(validUntilMs)';
      } else {
        condition = 'validUntilMs = :seen';
        values[':seen'] = seen.validUntilMs;
      }
      onConditionFailed = () => new EntitlementChangedError();
      break;
    case 'free':
      break;
  }
  const item: TransactItem = {
    Update: {
      TableName: tableName,
      Key: entitlementKey(input.buyerId, listing.id),
      UpdateExpression: `SET ${sets.join(', ')}${add}`,
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: values,
      ...(condition ? { ConditionExpression: condition } : {}),
    },
  };
  return { item, ...(onConditionFailed ? { onConditionFailed } : {}) };
}

/** What a refund takes back of the entitlement one order line gave. */
export function refundLeg(
  tableName: string,
  input: { buyerId: string; listingId: string; pricingModel: PricingModel },
  now: Date,
): TransactItem {
  const common = {
    TableName: tableName,
    Key: entitlementKey(input.buyerId, input.listingId),
  };
  switch (input.pricingModel) {
    case 'pay_per_use':
      return {
        Update: {
          ...common,
          UpdateExpression: 'SET updatedAt = :now ADD uses :minusOne',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':minusOne': -1 },
        },
      };
    case 'subscription':
      // The 30 days this order added; a subscription renewed by other orders keeps theirs.
      return {
        Update: {
          ...common,
          UpdateExpression: 'SET updatedAt = :now, validUntilMs = validUntilMs - :period',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':period': SUBSCRIPTION_MS },
        },
      };
    default:
      return {
        Update: {
          ...common,
          UpdateExpression: 'SET updatedAt = :now, revoked = :true',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':true': true },
        },
      };
  }
}
