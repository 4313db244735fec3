import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#platform/clock.js';
import { NotFoundError } from '#platform/errors.js';
import type { Micro } from '#platform/money.js';
import { queryAll } from '#platform/query-page.js';
import { hasKey, own, record } from '#platform/records.js';
import type { Table } from '#platform/table.js';
import { type ModelPriceList, modelPricesOf } from './model-prices.js';
import { DEFAULT_PRICES, type PhaseDefinition } from './phases.js';

/** The price list: the defaults, overridden per component by admins. One small partition. */
export type PriceList = Record<string, Micro>;

const PARTITION = 'PRICES';

export const getPriceList = async (table: Table): Promise<PriceList> => (await getPrices(table)).components;

/** The component prices and the model prices, from the one partition in one query. */
export async function getPrices(table: Table): Promise<{ components: PriceList; models: ModelPriceList }> {
  const items = await queryAll(
    table,
    { partitionKeyName: 'pk', partitionKey: PARTITION, consistent: true },
    (item) => item,
  );
  const prices = record(Object.entries(DEFAULT_PRICES));
  for (const item of items) {
    // Only the components phases use: an item of any other name is not a price.
    if (hasKey(prices, String(item.component))) prices[String(item.component)] = BigInt(item.price as bigint);
  }
  return { components: prices, models: modelPricesOf(items) };
}

export async function setPrice(
  table: Table,
  component: string,
  price: Micro,
  by: string,
  clock: Clock,
): Promise<void> {
  if (!hasKey(DEFAULT_PRICES, component)) throw new NotFoundError('component');
  await table.doc.send(
    new PutCommand({
      TableName: table.name,
      Item: {
        pk: PARTITION,
        sk: `COMPONENT#${component}`,
        component,
        price,
        updatedBy: by,
        updatedAt: clock.now().toISOString(),
      },
    }),
  );
}

/** A phase's cost under a price list: the sum of its components' prices. */
export const phaseCost = (phase: PhaseDefinition, prices: PriceList): Micro =>
  phase.components.reduce((sum, component) => sum + (own(prices, component) ?? 0n), 0n);
