import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#platform/clock.js';
import type { Micro } from '#platform/money.js';
import { own, record } from '#platform/records.js';
import type { Table } from '#platform/table.js';

/**
 * What a model's tokens cost: micro-FTNS per million input and per million output tokens. The
 * defaults cover the default models of each provider; admins set any other model's price (a
 * workflow that would ask a model without a price is refused at submission).
 */
export interface ModelPrice {
  inputPerMillion: Micro;
  outputPerMillion: Micro;
}

const perMillion = (input: string, output: string): ModelPrice => ({
  inputPerMillion: BigInt(Math.round(Number(input) * 1e6)),
  outputPerMillion: BigInt(Math.round(Number(output) * 1e6)),
});

/** FTNS per million tokens, after the providers' list prices (1 FTNS for 1 USD). */
export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'us.anthropic.claude-sonnet-4-20250514-v1:0': perMillion('3', '15'),
  'amazon.nova-micro-v1:0': perMillion('0.035', '0.14'),
  'gpt-4o': perMillion('2.5', '10'),
  'gpt-4o-mini': perMillion('0.15', '0.6'),
};

export type ModelPriceList = Record<string, ModelPrice>;

const PARTITION = 'PRICES';
const MODEL_PREFIX = 'MODEL#';

/** The defaults, overridden by the model items of the prices partition. */
export function modelPricesOf(items: Record<string, unknown>[]): ModelPriceList {
  const prices = record(Object.entries(DEFAULT_MODEL_PRICES));
  for (const item of items) {
    if (!String(item.sk).startsWith(MODEL_PREFIX)) continue;
    prices[String(item.model)] = {
      inputPerMillion: BigInt(item.inputPerMillion as bigint),
      outputPerMillion: BigInt(item.outputPerMillion as bigint),
    };
  }
  return prices;
}

export const modelPriceOf = (prices: ModelPriceList, model: string): ModelPrice | undefined =>
  own(prices, model);

export async function setModelPrice(
  table: Table,
  model: string,
  price: ModelPrice,
  by: string,
  clock: Clock,
): Promise<void> {
  await table.doc.send(
    new PutCommand({
      TableName: table.name,
      Item: {
        pk: PARTITION,
        sk: `${MODEL_PREFIX}${model}`,
        model,
        inputPerMillion: price.inputPerMillion,
        outputPerMillion: price.outputPerMillion,
        updatedBy: by,
        updatedAt: clock.now().toISOString(),
      },
    }),
  );
}

export interface TokenCount {
  inputTokens: number;
  outputTokens: number;
}

/** Tokens times prices, in millionths of a micro-FTNS (exact: integers only). */
export const tokenCharge = (tokens: TokenCount, price: ModelPrice): bigint =>
  BigInt(tokens.inputTokens) * price.inputPerMillion + BigInt(tokens.outputTokens) * price.outputPerMillion;

/** Millionths of a micro-FTNS rounded up to the micro-FTNS: the platform never undercharges a token. */
export const ceilMicro = (charge: bigint): Micro => (charge + 999_999n) / 1_000_000n;
