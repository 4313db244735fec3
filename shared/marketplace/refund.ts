import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '#platform/batch-get.js';
import { epochSeconds } from '#platform/clock.js';
import { UnavailableError } from '#platform/errors.js';
import type { Idempotency } from '#platform/idempotency.js';
import { idempotencyKeyOf, replayOf } from '#platform/idempotency.js';
import { newId } from '#platform/ids.js';
import type { Micro } from '#platform/money.js';
import { Transaction } from '#platform/transaction.js';
import { budgetKey, budgetOf } from '#shared/budgets/budget.js';
import { BudgetChangedError } from '#shared/budgets/errors.js';
import { budgetRefundLeg, refundablePeriod, refundRecordPut } from '#shared/budgets/refund-leg.js';
import { InsufficientFundsError } from '#shared/ledger/errors.js';
import { resolveExpiredHoldsOf } from '#shared/ledger/holds.js';
import { Posting } from '#shared/ledger/posting.js';
import { refundLeg } from './entitlement.js';
import { AlreadyRefundedError, OrderNotFoundError, RefundNotCoveredError } from './errors.js';
import type { MarketplaceDeps } from './marketplace-deps.js';
import { linesBySeller, type Order, orderKey, orderOf, saleKey } from './order.js';

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
  for (let attempt = 1; ; attempt++) {
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
    const { Item: budgetItem } = await deps.table.doc.send(
      new GetCommand({ TableName: deps.table.name, Key: budgetKey(order.budgetId), ConsistentRead: true }),
    );
    try {
      return await commitRefund(deps, order, input.adminId, budgetItem, idempotency);
    } catch (error) {
      // A charge started a new month meanwhile: read again, the order's period is now closed.
      if (!(error instanceof BudgetChangedError)) throw error;
      if (attempt >= 3) throw new UnavailableError('The budget is changing too fast, retry shortly');
    }
  }
}

async function commitRefund(
  deps: MarketplaceDeps,
  order: Order,
  adminId: string,
  budgetItem: Record<string, unknown> | undefined,
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
  const budget = budgetItem && budgetOf(budgetItem);
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
  tx.idempotent(idempotency, refunded, now);
  await commitCoveringSellers(deps, tx, new Set(bySeller.keys()));
  return refunded;
}

/**
 * A seller's debit needs their available balance: expired holds still count in it until
 * resolved, so they are resolved and the refund tried again; a seller who spent the proceeds
 * makes the refund impossible to reverse automatically (409).
 */
async function commitCoveringSellers(
  deps: MarketplaceDeps,
  tx: Transaction,
  sellers: Set<string>,
): Promise<void> {
  const freed = new Set<string>();
  for (;;) {
    try {
      await tx.commit(deps.retry);
      return;
    } catch (error) {
      if (!(error instanceof InsufficientFundsError) || !sellers.has(error.accountId)) throw error;
      if (freed.has(error.accountId) || (await resolveExpiredHoldsOf(deps, error.accountId)) === 0)
        throw new RefundNotCoveredError(error.accountId);
      freed.add(error.accountId);
    }
  }
}
