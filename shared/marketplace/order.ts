import * as z from 'zod';
import { itemCodec, storedMicro, storedString } from '#platform/item-codec.js';
import type { Micro } from '#platform/money.js';
import { LISTING_TYPES, type ListingType, PRICING_MODELS, type PricingModel } from './catalogue.js';

/**
 * An order is one item with its lines; each seller of the order also gets a sale item in their
 * own partition (their lines, gross, fee, net), so a seller's sales are one Query.
 */
export interface OrderLine {
  listingId: string;
  sellerId: string;
  title: string;
  type: ListingType;
  pricingModel: PricingModel;
  /** What the buyer pays for the line: the listed price. */
  price: Micro;
  /** The platform's fee on the line, taken from the seller's proceeds. */
  fee: Micro;
  /** What the seller receives: price − fee. */
  proceeds: Micro;
}

export type OrderStatus = 'completed' | 'refunded';

export interface Order {
  id: string;
  buyerId: string;
  budgetId: string;
  category: string;
  status: OrderStatus;
  lines: OrderLine[];
  total: Micro;
  fee: Micro;
  createdAt: string;
  refund?: { id: string; at: string; by: string };
}

export interface Sale {
  orderId: string;
  sellerId: string;
  buyerId: string;
  status: OrderStatus;
  lines: OrderLine[];
  gross: Micro;
  fee: Micro;
  net: Micro;
  createdAt: string;
  refundedAt?: string;
}

export const orderKey = (id: string) => ({ pk: `ORDER#${id}`, sk: 'ORDER' });
export const buyerOrdersPartition = (buyerId: string) => `BUYER_ORDERS#${buyerId}`;
export const salesPartition = (sellerId: string) => `SALES#${sellerId}`;
export const saleKey = (sellerId: string, orderId: string) => ({
  pk: salesPartition(sellerId),
  sk: `SALE#${orderId}`,
});

const sum = (values: Micro[]): Micro => values.reduce((a, b) => a + b, 0n);

/** The sellers of an order with their lines, in the order's line order. */
export function linesBySeller(lines: OrderLine[]): Map<string, OrderLine[]> {
  const bySeller = new Map<string, OrderLine[]>();
  for (const line of lines) bySeller.set(line.sellerId, [...(bySeller.get(line.sellerId) ?? []), line]);
  return bySeller;
}

export function saleOf(order: Order, sellerId: string, lines: OrderLine[]): Sale {
  return {
    orderId: order.id,
    sellerId,
    buyerId: order.buyerId,
    status: order.status,
    lines,
    gross: sum(lines.map((l) => l.price)),
    fee: sum(lines.map((l) => l.fee)),
    net: sum(lines.map((l) => l.proceeds)),
    createdAt: order.createdAt,
    ...(order.refund ? { refundedAt: order.refund.at } : {}),
  };
}

const lineItem = (line: OrderLine) => ({ ...line });

export function orderItem(order: Order): Record<string, unknown> {
  return {
    ...orderKey(order.id),
    type: 'order',
    id: order.id,
    buyerId: order.buyerId,
    budgetId: order.budgetId,
    category: order.category,
    status: order.status,
    lines: order.lines.map(lineItem),
    total: order.total,
    fee: order.fee,
    createdAt: order.createdAt,
    gsi1pk: buyerOrdersPartition(order.buyerId),
    gsi1sk: order.id,
  };
}

export function saleItem(sale: Sale): Record<string, unknown> {
  return { ...saleKey(sale.sellerId, sale.orderId), type: 'sale', ...sale, lines: sale.lines.map(lineItem) };
}

const storedLine = z.object({
  listingId: storedString,
  sellerId: storedString,
  title: storedString,
  type: z.enum(LISTING_TYPES),
  pricingModel: z.enum(PRICING_MODELS),
  price: storedMicro,
  fee: storedMicro,
  proceeds: storedMicro,
});
const status = z.enum(['completed', 'refunded']);

/** An order item as `orderItem` writes it. */
export const orderOf = itemCodec<Order>(
  'order',
  z
    .object({
      id: storedString,
      buyerId: storedString,
      budgetId: storedString,
      category: storedString,
      status,
      lines: z.array(storedLine),
      total: storedMicro,
      fee: storedMicro,
      createdAt: storedString,
      refundId: storedString.optional(),
      refundedAt: storedString.optional(),
      refundedBy: storedString.optional(),
    })
    .transform(({ refundId, refundedAt, refundedBy, ...order }) => ({
      ...order,
      ...(refundId ? { refund: { id: refundId, at: String(refundedAt), by: String(refundedBy) } } : {}),
    })),
);

/** A seller's sale item as `saleItem` writes it. */
export const saleFrom = itemCodec<Sale>(
  'sale',
  z.object({
    orderId: storedString,
    sellerId: storedString,
    buyerId: storedString,
    status,
    lines: z.array(storedLine),
    gross: storedMicro,
    fee: storedMicro,
    net: storedMicro,
    createdAt: storedString,
    refundedAt: storedString.optional(),
  }),
);
