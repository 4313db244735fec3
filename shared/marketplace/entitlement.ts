import type { TransactItem } from '#platform/transaction.js';
import { updateExpression } from '#platform/update-expression.js';
import { type ListingType, type PricingModel, SUBSCRIPTION_MS } from './catalogue.js';
import { AlreadyOwnedError, EntitlementChangedError } from './errors.js';
import type { Leg, Listing } from './listing.js';

/**
 * What a buyer holds of a listing: one item per buyer and listing, whatever the number of
 * orders, so that its key is known before any read (the one-time condition on it makes a second
 * purchase fail inside the checkout's own transaction) and a checkout line costs one write.
 *
 * The item keeps what each order line granted, by the line's own model (frozen in the order):
 * a count of one-time and of free grants, the pay-per-use uses, and each subscription line's
 * period by order id. A refund takes back its line's grant and nothing else, so orders under
 * different models (a listing changed before models were locked) or renewals refunded out of
 * order leave the other grants as they were. The view is derived from the grants when read.
 */
export type EntitlementStatus = 'active' | 'pending' | 'revoked' | 'expired';

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
  /** Subscriptions: when the last unrefunded period ends. */
  validUntil: string | null;
  lastOrderId: string;
  acquiredAt: string;
  updatedAt: string;
}

/** A subscription line's period, fixed when it was bought. */
export interface Period {
  fromMs: number;
  untilMs: number;
}

/** The grants not refunded, as stored. */
export interface Grants {
  oneTime: number;
  free: number;
  uses: number;
  /** By order id. */
  periods: Map<string, Period>;
  /** Changed by every write of `periods`: the condition of a renewal planned from a read. */
  periodsVersion: number | null;
}

export const entitlementPartition = (buyerId: string) => `ENTITLEMENTS#${buyerId}`;
export const entitlementKey = (buyerId: string, listingId: string) => ({
  pk: entitlementPartition(buyerId),
  sk: `LISTING#${listingId}`,
});

export function grantsOf(item: Record<string, unknown>): Grants {
  const periods = new Map<string, Period>();
  for (const [orderId, period] of Object.entries((item.periods ?? {}) as Record<string, Period>))
    periods.set(orderId, { fromMs: Number(period.fromMs), untilMs: Number(period.untilMs) });
  return {
    oneTime: Number(item.oneTime ?? 0),
    free: Number(item.free ?? 0),
    uses: Number(item.uses ?? 0),
    periods,
    periodsVersion: item.periodsVersion === undefined ? null : Number(item.periodsVersion),
  };
}

/** The end of the last period still paid for, if any. */
const lastEnd = (grants: Grants): number | null =>
  grants.periods.size === 0 ? null : Math.max(...[...grants.periods.values()].map((p) => p.untilMs));

/** Active while any grant is valid now; pending when the only paid period starts later. */
export function statusOf(grants: Grants, now: Date): EntitlementStatus {
  const at = now.getTime();
  const periods = [...grants.periods.values()];
  if (grants.oneTime > 0 || grants.free > 0 || grants.uses > 0) return 'active';
  if (periods.some((p) => p.fromMs <= at && at < p.untilMs)) return 'active';
  if (periods.some((p) => p.fromMs > at)) return 'pending';
  return periods.length > 0 ? 'expired' : 'revoked';
}

/** Whether a one-time purchase of this listing would be a second one. */
export const ownsForGood = (grants: Grants | undefined): boolean => (grants?.oneTime ?? 0) > 0;

export function entitlementOf(item: Record<string, unknown>, now: Date): Entitlement {
  const grants = grantsOf(item);
  const end = lastEnd(grants);
  return {
    buyerId: String(item.buyerId),
    listingId: String(item.listingId),
    sellerId: String(item.sellerId),
    type: item.resourceType as ListingType,
    title: String(item.title),
    pricingModel: item.pricingModel as PricingModel,
    status: statusOf(grants, now),
    uses: grants.uses,
    validUntil: end === null ? null : new Date(end).toISOString(),
    lastOrderId: String(item.lastOrderId),
    acquiredAt: String(item.acquiredAt),
    updatedAt: String(item.updatedAt),
  };
}

/** A subscription bought now runs 30 days from the end of the last paid period, or from now when there is none. */
export function nextPeriod(grants: Grants | undefined, now: Date): Period {
  const fromMs = Math.max((grants && lastEnd(grants)) ?? 0, now.getTime());
  return { fromMs, untilMs: fromMs + SUBSCRIPTION_MS };
}

/** The part of a line's update that adds its grant. */
interface GrantWrite {
  sets: string[];
  add: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
  condition?: string;
  onConditionFailed?: Leg['onConditionFailed'];
}

/** The one grant a line adds, by the model it was bought under. */
function grantUpdate(
  listing: Listing,
  orderId: string,
  seen: Grants | undefined,
  now: Date,
  path: string,
): GrantWrite {
  switch (listing.pricingModel) {
    case 'one_time':
      // Owned for good unless a refund took the grant back.
      return {
        sets: [],
        add: 'oneTime :one',
        names: {},
        values: { ':one': 1, ':zero': 0 },
        condition: 'attribute_not_exists(oneTime) OR oneTime <= :zero',
        onConditionFailed: () => new AlreadyOwnedError(path),
      };
    case 'free':
      // FREE is a reserved word.
      return { sets: [], add: '#free :one', names: { '#free': 'free' }, values: { ':one': 1 } };
    case 'pay_per_use':
      return { sets: [], add: 'uses :one', names: {}, values: { ':one': 1 } };
    case 'subscription': {
      // The period follows the paid ones as read: written on condition that they are still those.
      const period = nextPeriod(seen, now);
      const version = seen?.periodsVersion ?? null;
      return {
        sets: [
          version !== null ? 'periods.#order = :period' : 'periods = :periods',
          'periodsVersion = :nextVersion',
        ],
        add: '',
        names: version !== null ? { '#order': orderId } : {},
        values: {
          ...(version !== null
            ? { ':period': period, ':version': version }
            : { ':periods': { [orderId]: period } }),
          ':nextVersion': (version ?? 0) + 1,
        },
        condition: version === null ? 'attribute_not_exists(periodsVersion)' : 'periodsVersion = :version',
        onConditionFailed: () => new EntitlementChangedError(),
      };
    }
  }
}

/** The entitlement's write in a checkout: one per order line. */
export function purchaseLeg(
  tableName: string,
  input: {
    buyerId: string;
    listing: Listing;
    orderId: string;
    seen: Grants | undefined;
    path: string;
  },
  now: Date,
): Leg {
  const { listing } = input;
  const grant = grantUpdate(listing, input.orderId, input.seen, now, input.path);
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
    '#type = :type',
    ...grant.sets,
  ];
  const item: TransactItem = {
    Update: {
      TableName: tableName,
      Key: entitlementKey(input.buyerId, listing.id),
      UpdateExpression: updateExpression({ set: sets, add: [grant.add] }),
      ExpressionAttributeNames: { '#type': 'type', ...grant.names },
      ExpressionAttributeValues: {
        ':buyer': input.buyerId,
        ':listing': listing.id,
        ':seller': listing.sellerId,
        ':rtype': listing.type,
        ':title': listing.title,
        ':model': listing.pricingModel,
        ':order': input.orderId,
        ':now': now.toISOString(),
        ':type': 'entitlement',
        ...grant.values,
      },
      ...(grant.condition ? { ConditionExpression: grant.condition } : {}),
    },
  };
  return { item, ...(grant.onConditionFailed ? { onConditionFailed: grant.onConditionFailed } : {}) };
}

const COUNTED = { one_time: 'oneTime', free: 'free', pay_per_use: 'uses' } as const;

/**
 * What a refund takes back of the entitlement: the grant of its own line (the model is the
 * line's, frozen in the order). The refund's transaction runs once per order (its condition on
 * the order's status), so each grant is taken back once.
 */
export function refundLeg(
  tableName: string,
  input: { buyerId: string; listingId: string; orderId: string; pricingModel: PricingModel },
  now: Date,
): TransactItem {
  const common = { TableName: tableName, Key: entitlementKey(input.buyerId, input.listingId) };
  if (input.pricingModel === 'subscription')
    return {
      Update: {
        ...common,
        // Only this order's period: renewals bought by other orders keep theirs.
        UpdateExpression: 'SET updatedAt = :now REMOVE periods.#order ADD periodsVersion :one',
        ExpressionAttributeNames: { '#order': input.orderId },
        ExpressionAttributeValues: { ':now': now.toISOString(), ':one': 1 },
      },
    };
  return {
    Update: {
      ...common,
      UpdateExpression: 'SET updatedAt = :now ADD #count :minusOne',
      ExpressionAttributeNames: { '#count': COUNTED[input.pricingModel] },
      ExpressionAttributeValues: { ':now': now.toISOString(), ':minusOne': -1 },
    },
  };
}
