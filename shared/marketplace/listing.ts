import type { Micro } from '#platform/money.js';
import type { TransactItem } from '#platform/transaction.js';
import type { ListingStatus, ListingType, PricingModel, QualityGrade } from './catalogue.js';
import { ListingChangedError } from './errors.js';

/**
 * A listing is one item (`LISTING#<id>` / `LISTING`). While it is active it also has one
 * catalogue entry per search partition it belongs to (`LISTING#<id>` / `ENTRY#<scope>`): a copy
 * of the listing carrying the keys of the three catalogue indexes, one per sort order. Entries
 * exist only while the listing is active, so the catalogue indexes hold nothing else and search
 * never filters out drafts or retired listings. See docs/marketplace.md.
 */
export interface Listing {
  id: string;
  sellerId: string;
  type: ListingType;
  title: string;
  description: string;
  tags: string[];
  price: Micro;
  pricingModel: PricingModel;
  qualityGrade: QualityGrade;
  status: ListingStatus;
  metadata: Record<string, unknown>;
  /** Kept as integers so that the average is exact: sum / count, computed for display. */
  ratingCount: number;
  ratingSum: number;
  /** Incremented by every write: the condition of writes planned from a read. */
  version: number;
  /** Set by the first checkout of the listing: from then on its pricing model is fixed. */
  firstSoldAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The catalogue indexes: the same partition (a scope) in each, sorted three ways. */
export const SORT_INDEXES = { price: 'gsi1', rating: 'gsi2', newest: 'gsi3' } as const;
export type SortOrder = keyof typeof SORT_INDEXES;

/** A seller's own listings, every status, newest first (on the listing item, not the entries). */
export const SELLER_INDEX = 'gsi1';

export const listingKey = (id: string) => ({ pk: `LISTING#${id}`, sk: 'LISTING' });
const entryKey = (id: string, scope: string) => ({ pk: `LISTING#${id}`, sk: `ENTRY#${scope}` });
export const sellerPartition = (sellerId: string) => `SELLER_LISTINGS#${sellerId}`;
export const cataloguePartition = (scope: string) => `CATALOGUE#${scope}`;

/** The narrowest partition that serves a search: both filters, one of them, or the whole catalogue. */
export function catalogueScope(filter: { type?: ListingType | undefined; tag?: string | undefined }): string {
  if (filter.type && filter.tag) return `TYPE#${filter.type}#TAG#${filter.tag}`;
  if (filter.tag) return `TAG#${filter.tag}`;
  if (filter.type) return `TYPE#${filter.type}`;
  return 'ALL';
}

/** Every partition an active listing is searchable in. */
export const scopesOf = (listing: Pick<Listing, 'type' | 'tags'>): string[] => [
  catalogueScope({}),
  catalogueScope({ type: listing.type }),
  ...listing.tags.map((tag) => catalogueScope({ tag })),
  ...listing.tags.map((tag) => catalogueScope({ type: listing.type, tag })),
];

/** Prices up to 10^15 micro-FTNS (the API's maximum amount) in 16 digits: string order is numeric order. */
export const PRICE_DIGITS = 16;
export const priceSortKey = (price: Micro): string => price.toString().padStart(PRICE_DIGITS, '0');

/** The average rating times 10,000, rounded down: 0..50,000, comparable as an integer. */
export const ratingScaledOf = (sum: number, count: number): number =>
  count === 0 ? 0 : Math.floor((sum * 10_000) / count);
export const ratingSortKey = (scaled: number): string => String(scaled).padStart(5, '0');

/** Lowercased title and description: what `q` matches with `contains`. */
export const searchTextOf = (listing: Pick<Listing, 'title' | 'description'>): string =>
  `${listing.title}\n${listing.description}`.toLowerCase();

function attributes(listing: Listing) {
  return {
    id: listing.id,
    sellerId: listing.sellerId,
    // `type` is every item's kind in this table; the listing's own type has a name of its own.
    resourceType: listing.type,
    title: listing.title,
    description: listing.description,
    tags: listing.tags,
    price: listing.price,
    pricingModel: listing.pricingModel,
    qualityGrade: listing.qualityGrade,
    status: listing.status,
    // As JSON text: numbers in metadata must come back as they went in (the table reads integers as bigint).
    metadata: JSON.stringify(listing.metadata),
    ratingCount: listing.ratingCount,
    ratingSum: listing.ratingSum,
    ratingScaled: ratingScaledOf(listing.ratingSum, listing.ratingCount),
    searchText: searchTextOf(listing),
    version: listing.version,
    createdAt: listing.createdAt,
    updatedAt: listing.updatedAt,
  };
}

export function listingItem(listing: Listing): Record<string, unknown> {
  return {
    ...listingKey(listing.id),
    type: 'listing',
    ...attributes(listing),
    ...(listing.firstSoldAt ? { firstSoldAt: listing.firstSoldAt } : {}),
    gsi1pk: sellerPartition(listing.sellerId),
    gsi1sk: `${listing.createdAt}#${listing.id}`,
  };
}

export function entryItem(listing: Listing, scope: string): Record<string, unknown> {
  const partition = cataloguePartition(scope);
  const scaled = ratingScaledOf(listing.ratingSum, listing.ratingCount);
  return {
    ...entryKey(listing.id, scope),
    type: 'catalogue-entry',
    scope,
    ...attributes(listing),
    gsi1pk: partition,
    gsi1sk: `${priceSortKey(listing.price)}#${listing.id}`,
    gsi2pk: partition,
    // Ties on the average go to the listing with more reviews.
    gsi2sk: `${ratingSortKey(scaled)}#${String(listing.ratingCount).padStart(10, '0')}#${listing.id}`,
    gsi3pk: partition,
    gsi3sk: `${listing.createdAt}#${listing.id}`,
  };
}

const num = (value: unknown): number => Number(value ?? 0);

export function listingOf(item: Record<string, unknown>): Listing {
  return {
    id: String(item.id),
    sellerId: String(item.sellerId),
    type: item.resourceType as ListingType,
    title: String(item.title),
    description: String(item.description),
    tags: ((item.tags ?? []) as unknown[]).map(String),
    price: BigInt(item.price as bigint),
    pricingModel: item.pricingModel as PricingModel,
    qualityGrade: item.qualityGrade as QualityGrade,
    status: item.status as ListingStatus,
    metadata: JSON.parse(String(item.metadata ?? '{}')) as Record<string, unknown>,
    ratingCount: num(item.ratingCount),
    ratingSum: num(item.ratingSum),
    version: num(item.version),
    firstSoldAt: item.firstSoldAt === undefined ? null : String(item.firstSoldAt),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

export interface Leg {
  item: TransactItem;
  onConditionFailed?: (existing?: Record<string, unknown>) => Error;
}

/**
 * The writes that take a listing from `before` (undefined: it is new) to `after`: the listing
 * on condition that nobody wrote it since it was read, the entries of the partitions it is now
 * searchable in, and the deletion of those it has left. Entries are written whole, never
 * conditionally: the listing's own condition guards them, in the same transaction.
 */
export function listingWrites(tableName: string, before: Listing | undefined, after: Listing): Leg[] {
  const legs: Leg[] = [
    {
      item: {
        Put: {
          TableName: tableName,
          Item: listingItem(after),
          ...(before
            ? {
                // A checkout marks the first sale without a new version: a write planned before it fails too.
                ConditionExpression: `version = :v${before.firstSoldAt ? '' : ' AND attribute_not_exists(firstSoldAt)'}`,
                ExpressionAttributeValues: { ':v': before.version },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      onConditionFailed: () => new ListingChangedError(),
    },
  ];
  const now = after.status === 'active' ? scopesOf(after) : [];
  for (const scope of now)
    legs.push({ item: { Put: { TableName: tableName, Item: entryItem(after, scope) } } });
  const left = before?.status === 'active' ? scopesOf(before).filter((scope) => !now.includes(scope)) : [];
  for (const scope of left)
    legs.push({ item: { Delete: { TableName: tableName, Key: entryKey(after.id, scope) } } });
  return legs;
}
