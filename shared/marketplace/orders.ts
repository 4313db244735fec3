import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#platform/clock.js';
import { ForbiddenError } from '#platform/errors.js';
import { type Principal, readableOwner } from '#platform/http/principal.js';
import type { Micro } from '#platform/money.js';
import type { Page } from '#platform/pagination.js';
import { queryPage } from '#platform/query-page.js';
import type { Table } from '#platform/table.js';
import { type Entitlement, entitlementOf, entitlementPartition } from './entitlement.js';
import { OrderNotFoundError } from './errors.js';
import {
  buyerOrdersPartition,
  type Order,
  orderKey,
  orderOf,
  type Sale,
  saleFrom,
  salesPartition,
} from './order.js';

type Actor = Pick<Principal, 'userId' | 'role'>;
type PageRequest = { limit: number; cursor?: string | undefined };

/** The buyer's order; admins read any. To anyone else it does not exist. */
export async function getOrder(deps: { table: Table }, orderId: string, actor: Actor): Promise<Order> {
  const { Item } = await deps.table.doc.send(
    new GetCommand({ TableName: deps.table.name, Key: orderKey(orderId), ConsistentRead: true }),
  );
  const order = Item && orderOf(Item);
  if (!order || (order.buyerId !== actor.userId && actor.role !== 'admin')) throw new OrderNotFoundError();
  return order;
}

/** A buyer's orders, newest first (order ids are time-ordered). */
/** A buyer's orders, newest first: the caller's own, or (admins) any buyer's. */
export function listOrders(
  deps: { table: Table },
  principal: Principal,
  query: PageRequest & { buyerId?: string },
): Promise<Page<Order>> {
  const { buyerId: requested, ...page } = query;
  const buyerId = readableOwner(
    principal,
    requested,
    () => new ForbiddenError("Only admins read another buyer's orders"),
  );
  return queryPage(
    deps.table,
    {
      index: 'gsi1',
      partitionKeyName: 'gsi1pk',
      partitionKey: buyerOrdersPartition(buyerId),
      newestFirst: true,
    },
    page,
    orderOf,
  );
}

/** What a buyer holds, one entitlement per listing. */
export function listEntitlements(
  deps: { table: Table; clock: Clock },
  buyerId: string,
  page: PageRequest,
): Promise<Page<Entitlement>> {
  const now = deps.clock.now();
  return queryPage(
    deps.table,
    {
      partitionKeyName: 'pk',
      partitionKey: entitlementPartition(buyerId),
      sortKeyCondition: { expression: 'begins_with(sk, :listing)', values: { ':listing': 'LISTING#' } },
    },
    page,
    (item) => entitlementOf(item, now),
  );
}

/** A seller's sales, newest first. */
export function listSales(deps: { table: Table }, sellerId: string, page: PageRequest): Promise<Page<Sale>> {
  return queryPage(
    deps.table,
    {
      partitionKeyName: 'pk',
      partitionKey: salesPartition(sellerId),
      sortKeyCondition: { expression: 'begins_with(sk, :sale)', values: { ':sale': 'SALE#' } },
      newestFirst: true,
    },
    page,
    saleFrom,
  );
}

export interface Earnings {
  sales: number;
  refunded: number;
  gross: Micro;
  fees: Micro;
  /** What the seller was credited and kept: refunded sales are reversed. */
  net: Micro;
}

/**
 * A seller's totals over every sale, read through a projection of four attributes: it grows
 * with the number of sales (see docs/marketplace.md for the running totals that replace it).
 */
export async function earningsOf(deps: { table: Table }, sellerId: string): Promise<Earnings> {
  const earnings: Earnings = { sales: 0, refunded: 0, gross: 0n, fees: 0n, net: 0n };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.table.doc.send(
      new QueryCommand({
        TableName: deps.table.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sale)',
        ExpressionAttributeValues: { ':pk': salesPartition(sellerId), ':sale': 'SALE#' },
        ProjectionExpression: '#status, gross, fee, net',
        ExpressionAttributeNames: { '#status': 'status' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.status === 'refunded') {
        earnings.refunded++;
        continue;
      }
      earnings.sales++;
      earnings.gross += BigInt(item.gross as bigint);
      earnings.fees += BigInt(item.fee as bigint);
      earnings.net += BigInt(item.net as bigint);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return earnings;
}
