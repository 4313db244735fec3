import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '#platform/errors.js';
import type { Micro } from '#platform/money.js';
import { decodeCursor, encodeCursor, type Page } from '#platform/pagination.js';
import type { Table } from '#platform/table.js';
import type { ListingType } from './catalogue.js';
import {
  cataloguePartition,
  catalogueScope,
  type Listing,
  listingOf,
  priceSortKey,
  ratingSortKey,
  SORT_INDEXES,
  type SortOrder,
} from './listing.js';

/**
 * Catalogue search over the catalogue entries (see listing.ts): the filters on type and tag pick
 * the partition, the sort picks the index, a price range (sorted by price) or a minimum rating
 * (sorted by rating) is the key condition, and what remains — text, and the range the sort does
 * not cover — is a filter. A filter may leave a DynamoDB page short, so a search page reads ahead
 * and keeps querying until it has `limit` listings, at most MAX_REQUESTS times.
 */
export interface SearchQuery {
  type?: ListingType | undefined;
  tag?: string | undefined;
  /** Words that must all appear in the title or the description, case-insensitively. */
  q?: string | undefined;
  minPrice?: Micro | undefined;
  maxPrice?: Micro | undefined;
  /** The lowest average rating, times 10,000 (4.5 -> 45000). */
  minRatingScaled?: number | undefined;
  sort: SortOrder;
  order?: 'asc' | 'desc' | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** A page's DynamoDB requests are bounded: a very selective filter returns a short page and a cursor. */
export const MAX_REQUESTS = 8;
/** What a filtered query reads per request at most (DynamoDB also stops at 1 MB). */
const MAX_READ_AHEAD = 200;
export const MAX_QUERY_WORDS = 5;

const DEFAULT_ORDER: Record<SortOrder, 'asc' | 'desc'> = { price: 'asc', rating: 'desc', newest: 'desc' };

export const queryWords = (q: string | undefined): string[] =>
  [...new Set((q ?? '').toLowerCase().split(/\s+/).filter(Boolean))].slice(0, MAX_QUERY_WORDS);

interface Filter {
  expressions: string[];
  values: Record<string, unknown>;
}

function keyCondition(query: SearchQuery, index: string, filter: Filter) {
  const sk = `${index}sk`;
  const values: Record<string, unknown> = {};
  let expression = `${index}pk = :pk`;
  if (query.sort === 'price' && (query.minPrice !== undefined || query.maxPrice !== undefined)) {
    expression += ` AND ${sk} BETWEEN :lo AND :hi`;
    values[':lo'] = priceSortKey(query.minPrice ?? 0n);
    // `~` sorts after every id character: the upper bound includes every listing at maxPrice.
    values[':hi'] = query.maxPrice === undefined ? '~' : `${priceSortKey(query.maxPrice)}#~`;
  } else {
    if (query.minPrice !== undefined) {
      filter.expressions.push('price >= :minPrice');
      filter.values[':minPrice'] = query.minPrice;
    }
    if (query.maxPrice !== undefined) {
      filter.expressions.push('price <= :maxPrice');
      filter.values[':maxPrice'] = query.maxPrice;
    }
  }
  if (query.minRatingScaled !== undefined && query.minRatingScaled > 0) {
    if (query.sort === 'rating') {
      expression += ` AND ${sk} >= :minRating`;
      values[':minRating'] = ratingSortKey(query.minRatingScaled);
    } else {
      filter.expressions.push('ratingScaled >= :minRating');
      filter.values[':minRating'] = query.minRatingScaled;
    }
  }
  return { expression, values };
}

/** A cursor is the last entry's keys in this partition and index; any other is refused. */
function startKey(cursor: string | undefined, index: string, partition: string) {
  const start = decodeCursor(cursor);
  if (!start) return undefined;
  const names = ['pk', 'sk', `${index}pk`, `${index}sk`];
  const valid =
    Object.keys(start).length === names.length &&
    names.every((name) => typeof start[name] === 'string') &&
    start[`${index}pk`] === partition;
  if (!valid)
    throw new ValidationError([{ path: 'query.cursor', message: 'belongs to another search or sort' }]);
  return start;
}

export async function searchListings(deps: { table: Table }, query: SearchQuery): Promise<Page<Listing>> {
  if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
    throw new ValidationError([{ path: 'query.minPrice', message: 'must not be above maxPrice' }]);
  }
  const index = SORT_INDEXES[query.sort];
  const partition = cataloguePartition(catalogueScope(query));
  const filter: Filter = { expressions: [], values: {} };
  const key = keyCondition(query, index, filter);
  queryWords(query.q).forEach((word, i) => {
    filter.expressions.push(`contains(searchText, :q${i})`);
    filter.values[`:q${i}`] = word;
  });
  const filtered = filter.expressions.length > 0;
  const keyOf = (item: Record<string, unknown>) =>
    Object.fromEntries(['pk', 'sk', `${index}pk`, `${index}sk`].map((name) => [name, item[name]]));

  const found: Listing[] = [];
  let scanned = 0;
  let start = startKey(query.cursor, index, partition);
  for (let request = 0; request < MAX_REQUESTS; request++) {
    const wanted = query.limit - found.length;
    // Read ahead by what the filter let through so far (guessing 1 in 4 at first): a selective filter reads more.
    const passing = scanned === 0 ? 0.25 : Math.max(found.length / scanned, 0.01);
    const input: QueryCommandInput = {
      TableName: deps.table.name,
      IndexName: index,
      KeyConditionExpression: key.expression,
      ExpressionAttributeValues: { ':pk': partition, ...key.values, ...filter.values },
      ...(filtered ? { FilterExpression: filter.expressions.join(' AND ') } : {}),
      ScanIndexForward: (query.order ?? DEFAULT_ORDER[query.sort]) === 'asc',
      // Unfiltered, every entry read is returned; filtered, read ahead so that one request usually fills the page.
      Limit: filtered
        ? Math.min(MAX_READ_AHEAD, Math.max(Math.ceil((wanted / passing) * 1.2), wanted))
        : wanted,
      ExclusiveStartKey: start,
    };
    const {
      Items = [],
      LastEvaluatedKey,
      ScannedCount = 0,
    } = await deps.table.doc.send(new QueryCommand(input));
    scanned += ScannedCount;
    for (const [i, item] of Items.entries()) {
      found.push(listingOf(item));
      if (found.length === query.limit) {
        // Stopped inside a read-ahead: the next page starts right after the last listing returned.
        const last = i === Items.length - 1;
        const next = last ? LastEvaluatedKey : keyOf(item);
        return { items: found, nextCursor: encodeCursor(next) };
      }
    }
    if (!LastEvaluatedKey) return { items: found, nextCursor: null };
    start = LastEvaluatedKey;
  }
  return { items: found, nextCursor: encodeCursor(start) };
}
