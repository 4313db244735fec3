import { batchGet } from '#platform/batch-get.js';
import { epochSeconds } from '#platform/clock.js';
import { ValidationError } from '#platform/errors.js';
import type { Principal } from '#platform/http/principal.js';
import { type Idempotency, idempotencyKeyOf, replayOf } from '#platform/idempotency.js';
import { newId } from '#platform/ids.js';
import { applyRatePpm, type Micro } from '#platform/money.js';
import { MAX_TRANSACTION_ITEMS, type Transaction } from '#platform/transaction.js';
import { chargeRecordPut, commitWithBudget } from '#shared/budgets/charges.js';
import { Posting } from '#shared/ledger/posting.js';
import { outboxPut, publishOutboxed } from '#shared/notifications/outbox.js';
import { MAX_ORDER_LINES } from './catalogue.js';
import { entitlementKey, type Grants, grantsOf, ownsForGood, purchaseLeg } from './entitlement.js';
import {
  AlreadyOwnedError,
  ListingUnavailableError,
  OrderTooLargeError,
  OwnListingError,
  PriceChangedError,
  UnknownListingError,
} from './errors.js';
import { type Listing, listingKey, listingOf } from './listing.js';
import { canSee } from './listings.js';
import type { MarketplaceDeps } from './marketplace-deps.js';
import { linesBySeller, type Order, type OrderLine, orderItem, saleItem, saleOf } from './order.js';
import { orderEvent } from './order-view.js';

/**
 * Checkout: one BatchGetItem (the listings, the buyer's entitlements to them and the request's
 * idempotency record), then one TransactWriteItems through `commitWithBudget`:
 *
 * | items | what |
 * |---|---|
 * | 1 (+1 when a month rolls over) | the budget's leg (and its period history) |
 * | L | each listing checked active, at the price and pricing model read |
 * | L | the buyer's entitlement to each listing |
 * | 1 + S + 1 | the buyer's debit, each seller's credit (once, with the sum of their lines), a `fees` shard |
 * | 2 (S + 1) | the entries of the S seller transfers and of the fee transfer |
 * | 1 + 1 + S | the budget's charge record, the order, each seller's sale |
 * | 1 | the idempotency record |
 *
 * That is 2L + 4S + 8 items (L lines, S sellers): 25 lines from up to 10 sellers, or 15 lines
 * from as many sellers, fit DynamoDB's 100; a larger order is refused (422 `order_too_large`)
 * before anything is written. Free lines move no money; a seller paid nothing gets no transfer.
 */
export interface CheckoutInput {
  buyer: Pick<Principal, 'userId' | 'role'>;
  listingIds: string[];
  budgetId: string;
  category: string;
}

const linePath = (index: number) => `body.items.${index}.listingId`;
const sum = (values: Micro[]): Micro => values.reduce((a, b) => a + b, 0n);

interface Checked {
  listing: Listing;
  seen: Grants | undefined;
  path: string;
}

function checkLines(input: CheckoutInput) {
  if (input.listingIds.length === 0 || input.listingIds.length > MAX_ORDER_LINES)
    throw new ValidationError([{ path: 'body.items', message: `must hold 1 to ${MAX_ORDER_LINES} lines` }]);
  const seen = new Set<string>();
  input.listingIds.forEach((id, i) => {
    if (seen.has(id))
      throw new ValidationError([{ path: linePath(i), message: 'appears twice in the order' }]);
    seen.add(id);
  });
}

/** The refusals that the read already shows, in line order, before anything is written. */
function checkListing(
  input: CheckoutInput,
  item: Record<string, unknown> | undefined,
  entitlement: Record<string, unknown> | undefined,
  path: string,
): Checked {
  const listing = item && listingOf(item);
  // Another seller's draft does not exist for the buyer.
  if (!listing || !canSee(listing, input.buyer)) throw new UnknownListingError(path);
  if (listing.sellerId === input.buyer.userId) throw new OwnListingError(path);
  if (listing.status !== 'active') throw new ListingUnavailableError(path, listing.status);
  const seen = entitlement && grantsOf(entitlement);
  if (listing.pricingModel === 'one_time' && ownsForGood(seen)) throw new AlreadyOwnedError(path);
  return { listing, seen, path };
}

/** The platform's fee on a sale and what the seller keeps: the one fee rule (orders, provider nodes' phases). */
export function feeSplit(amount: Micro, feePpm: bigint): { fee: Micro; proceeds: Micro } {
  const fee = applyRatePpm(amount, feePpm);
  return { fee, proceeds: amount - fee };
}

export function priceLine(listing: Listing, feePpm: bigint): OrderLine {
  const { fee, proceeds } = feeSplit(listing.price, feePpm);
  return {
    listingId: listing.id,
    sellerId: listing.sellerId,
    title: listing.title,
    type: listing.type,
    pricingModel: listing.pricingModel,
    price: listing.price,
    fee,
    proceeds,
  };
}

/**
 * Each listing is checked in the transaction itself: still active, at the price and model it was
 * read at. Its first sale also marks it sold (same item, same condition): the model is fixed from then on.
 */
function listingCheck(tx: Transaction, tableName: string, { listing, path }: Checked, now: Date): void {
  const check = {
    TableName: tableName,
    Key: listingKey(listing.id),
    ConditionExpression: '#status = :active AND price = :price AND pricingModel = :model',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':active': 'active',
      ':price': listing.price,
      ':model': listing.pricingModel,
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  tx.add(
    listing.firstSoldAt
      ? { ConditionCheck: check }
      : {
          Update: {
            ...check,
            UpdateExpression: 'SET firstSoldAt = if_not_exists(firstSoldAt, :now)',
            ExpressionAttributeValues: { ...check.ExpressionAttributeValues, ':now': now.toISOString() },
          },
        },
    (existing) =>
      existing?.status !== 'active'
        ? new ListingUnavailableError(path, String(existing?.status ?? 'gone'))
        : new PriceChangedError(path),
  );
}

export async function checkout(
  deps: MarketplaceDeps,
  input: CheckoutInput,
  idempotency?: Idempotency<Order>,
): Promise<Order> {
  checkLines(input);
  const buyerId = input.buyer.userId;
  const idempotencyKey = idempotency && idempotencyKeyOf(idempotency);
  const read = await batchGet(deps.table, [
    ...input.listingIds.map(listingKey),
    ...input.listingIds.map((id) => entitlementKey(buyerId, id)),
    ...(idempotencyKey ? [idempotencyKey] : []),
  ]);
  // A retry of a completed order answers as the first time, before its own effects (the
  // entitlement it created) could refuse it; the transaction's condition covers concurrent copies.
  const record = idempotencyKey && read.get(idempotencyKey);
  if (idempotency && record && Number(record.expiresAt) >= epochSeconds(deps.clock.now()))
    throw replayOf(record, idempotency.requestHash);

  const checked = input.listingIds.map((id, i) =>
    checkListing(input, read.get(listingKey(id)), read.get(entitlementKey(buyerId, id)), linePath(i)),
  );
  const lines = checked.map(({ listing }) => priceLine(listing, deps.feePpm));
  const orderId = newId('ord');
  const total = sum(lines.map((line) => line.price));
  const fee = sum(lines.map((line) => line.fee));

  const order = await commitWithBudget(
    deps,
    {
      budgetId: input.budgetId,
      memberId: buyerId,
      category: input.category,
      amount: total,
      payerId: buyerId,
    },
    (tx, now) => {
      const tableName = deps.table.name;
      const order: Order = {
        id: orderId,
        buyerId,
        budgetId: input.budgetId,
        category: input.category,
        status: 'completed',
        lines,
        total,
        fee,
        createdAt: now.toISOString(),
      };
      for (const line of checked) listingCheck(tx, tableName, line, now);
      for (const { listing, seen, path } of checked) {
        const leg = purchaseLeg(tableName, { buyerId, listing, orderId, seen, path }, now);
        tx.add(leg.item, leg.onConditionFailed);
      }
      const posting = new Posting(now);
      const bySeller = linesBySeller(lines);
      for (const [sellerId, sellerLines] of bySeller) {
        const proceeds = sum(sellerLines.map((line) => line.proceeds));
        if (proceeds > 0n)
          posting.move({
            from: buyerId,
            to: sellerId,
            amount: proceeds,
            reason: 'order',
            reference: orderId,
          });
      }
      if (fee > 0n)
        posting.move({ from: buyerId, to: 'fees', amount: fee, reason: 'order_fee', reference: orderId });
      posting.applyTo(tx, tableName);
      if (total > 0n) {
        tx.add(
          chargeRecordPut(tableName, {
            id: orderId,
            budgetId: input.budgetId,
            memberId: buyerId,
            category: input.category,
            amount: total,
            description: `marketplace order of ${lines.length} line(s)`,
            source: 'order',
            reference: orderId,
            createdAt: order.createdAt,
          }),
        );
      }
      tx.add({
        Put: {
          TableName: tableName,
          Item: orderItem(order),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      for (const [sellerId, sellerLines] of bySeller) {
        tx.add({
          Put: {
            TableName: tableName,
            Item: saleItem(saleOf(order, sellerId, sellerLines)),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      tx.add(outboxPut(tableName, orderEvent(order)));
      const items = tx.size + (idempotency ? 1 : 0);
      if (items > MAX_TRANSACTION_ITEMS) throw new OrderTooLargeError(items, MAX_TRANSACTION_ITEMS);
      return order;
    },
    idempotency,
  );
  await publishOutboxed(deps.publish, orderEvent(order));
  return order;
}
