import { batchGet } from '#platform/batch-get.js';
import { epochSeconds } from '#platform/clock.js';
import type { Idempotency } from '#platform/idempotency.js';
import { idempotencyKeyOf, replayOf } from '#platform/idempotency.js';
import { newId } from '#platform/ids.js';
import type { Micro } from '#platform/money.js';
import { Transaction } from '#platform/transaction.js';
import type { Budget } from '#shared/budgets/budget.js';
import { BudgetChangedError } from '#shared/budgets/errors.js';
import { budgetRefundLeg, refundablePeriod, refundRecordPut } from '#shared/budgets/refund-leg.js';
import { replanOnBudgetChange } from '#shared/budgets/replan.js';
import { commitFreeingExpiredHolds } from '#shared/ledger/holds.js';
import { Posting } from '#shared/ledger/posting.js';
import { outboxPut, publishOutboxed } from '#shared/notifications/outbox.js';
import { refundLeg } from './entitlement.js';
import { AlreadyRefundedError, OrderNotFoundError, RefundNotCoveredError } from './errors.js';
import type { MarketplaceDeps } from './marketplace-deps.js';
import { linesBySeller, type Order, orderKey, orderOf, saleKey } from './order.js';
import { orderEvent } from './order-view.js';

const sum = (values: Micro[]): Micro => values.reduce((a, b) => a + b, 0n);

/**
 * An admin's refund of a whole order, in one transaction: the order marked refunded (on
 * condition that it was not, so a refund happens once), each seller's sale too, the reversing
 * transfers (each seller's proceeds and the fee back to the buyer: transfers are immutable, a
 * correction is a new one), what each line's entitlement got taken back, and the budget
 * credited back with a negative charge record — when the order's budget period is still open.
 */
export async function refundOrder(
  deps: MarketplaceDeps,
  input: { orderId: string; adminId: string },
  idempotency?: Idempotency<Order>,
): Promise<Order> {
  const idempotencyKey = idempotency && idempotencyKeyOf(idempotency);
  const read = await batchGet(deps.table, [
    orderKey(input.orderId),
    ...(idempotencyKey ? [idempotencyKey] : []),
  ]);
  const record = idempotencyKey && read.get(idempotencyKey);
  if (idempotency && record && Number(record.expiresAt) >= epochSeconds(deps.clock.now()))
    throw replayOf(record, idempotency.requestHash);
  const item = read.get(orderKey(input.orderId));
  if (!item) throw new OrderNotFoundError();
  const order = orderOf(item);
  if (order.status === 'refunded') throw new AlreadyRefundedError();
  // Planned from the budget as read: a charge that started a new month meanwhile closes the
  // order's period, so the refund is planned again from the budget as it is then.
  return replanOnBudgetChange(
    deps,
    order.budgetId,
    (budget) => commitRefund(deps, order, input.adminId, budget, idempotency),
    {
      readFirst: true,
    },
  );
}

async function commitRefund(
  deps: MarketplaceDeps,
  order: Order,
  adminId: string,
  budget: Budget | undefined,
  idempotency: Idempotency<Order> | undefined,
): Promise<Order> {
  const tableName = deps.table.name;
  const now = deps.clock.now();
  const refundId = newId('rfd');
  const refunded: Order = {
    ...order,
    status: 'refunded',
    refund: { id: refundId, at: now.toISOString(), by: adminId },
  };
  const tx = new Transaction(deps.table).add(
    {
      Update: {
        TableName: tableName,
        Key: orderKey(order.id),
        UpdateExpression: 'SET #status = :refunded, refundId = :id, refundedAt = :now, refundedBy = :by',
        ConditionExpression: '#status = :completed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':refunded': 'refunded',
          ':completed': 'completed',
          ':id': refundId,
          ':now': refunded.refund!.at,
          ':by': adminId,
        },
      },
    },
    () => new AlreadyRefundedError(),
  );
  const posting = new Posting(now);
  const bySeller = linesBySeller(order.lines);
  for (const [sellerId, lines] of bySeller) {
    tx.add({
      Update: {
        TableName: tableName,
        Key: saleKey(sellerId, order.id),
        UpdateExpression: 'SET #status = :refunded, refundedAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':refunded': 'refunded', ':now': refunded.refund!.at },
      },
    });
    const proceeds = sum(lines.map((line) => line.proceeds));
    if (proceeds > 0n)
      posting.move({
        from: sellerId,
        to: order.buyerId,
        amount: proceeds,
        reason: 'refund',
        reference: order.id,
      });
  }
  if (order.fee > 0n)
    posting.move({
      from: 'fees',
      to: order.buyerId,
      amount: order.fee,
      reason: 'refund',
      reference: order.id,
    });
  posting.applyTo(tx, tableName);
  for (const line of order.lines) {
    tx.add(
      refundLeg(
        tableName,
        {
          buyerId: order.buyerId,
          listingId: line.listingId,
          orderId: order.id,
          pricingModel: line.pricingModel,
        },
        now,
      ),
    );
  }
  const periodKey = budget && refundablePeriod(budget, new Date(order.createdAt), now);
  if (periodKey && order.total > 0n) {
    const charge = {
      budgetId: order.budgetId,
      memberId: order.buyerId,
      category: order.category,
      amount: order.total,
    };
    tx.add(budgetRefundLeg(tableName, { ...charge, periodKey }, now), (item) => new BudgetChangedError(item));
    tx.add(
      refundRecordPut(tableName, {
        ...charge,
        id: refundId,
        description: `refund of order ${order.id}`,
        reference: order.id,
        createdAt: refunded.refund!.at,
      }),
    );
  }
  tx.add(outboxPut(tableName, orderEvent(refunded)));
  tx.idempotent(idempotency, refunded, now);
  // A seller who spent the proceeds makes the refund impossible to reverse automatically (409).
  await commitFreeingExpiredHolds(
    deps,
    tx,
    [...bySeller.keys()],
    (seller) => new RefundNotCoveredError(seller),
  );
  await publishOutboxed(deps.publish, orderEvent(refunded));
  return refunded;
}
