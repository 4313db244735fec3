import { formatFtns } from '#platform/money.js';
import type { PlatformEvent } from '#shared/notifications/event.js';
import type { Order, OrderLine } from './order.js';

/** An order as the API shows it (and its events carry it): FTNS as decimal strings. */
export const lineView = ({ price, fee, proceeds, ...rest }: OrderLine) => ({
  ...rest,
  price: formatFtns(price),
  fee: formatFtns(fee),
  proceeds: formatFtns(proceeds),
});

export const orderView = ({ lines, total, fee, refund, ...rest }: Order) => ({
  ...rest,
  lines: lines.map(lineView),
  total: formatFtns(total),
  fee: formatFtns(fee),
  ...(refund ? { refund: { id: refund.id, refundedAt: refund.at, refundedBy: refund.by } } : {}),
});

/** `order.completed` at checkout, `order.refunded` at its refund: for the buyer, with the order. */
export const orderEvent = (order: Order): PlatformEvent => ({
  eventId: `order:${order.id}:${order.status}`,
  type: `order.${order.status}`,
  occurredAt: order.refund?.at ?? order.createdAt,
  subject: `order:${order.id}`,
  audience: [order.buyerId],
  data: { order: orderView(order) },
});
