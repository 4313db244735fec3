import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '#platform/batch-get.js';
import type { Micro } from '#platform/money.js';
import { record } from '#platform/records.js';
import type { Table } from '#platform/table.js';

/**
 * What work in a category was estimated at and what it actually cost, summed as it completes.
 * Estimates scale the price list by actual / estimated once a category has enough history.
 */
export const MIN_SAMPLES = 3;
/** A correction is kept within these bounds, so one odd run cannot swing every estimate. */
const MIN_FACTOR_PPM = 500_000n;
const MAX_FACTOR_PPM = 2_000_000n;

const historyKey = (category: string) => ({ pk: 'COST_HISTORY', sk: `CATEGORY#${category}` });

/**
 * Several samples in one request (a workflow's phases at its end): summed per category, one
 * update each, in one transaction (a transaction touches an item once).
 */
export async function recordActualCosts(
  table: Table,
  samples: { category: string; estimated: Micro; actual: Micro }[],
): Promise<void> {
  const sums = new Map<string, { estimated: Micro; actual: Micro; samples: bigint }>();
  for (const sample of samples) {
    const sum = sums.get(sample.category) ?? { estimated: 0n, actual: 0n, samples: 0n };
    sums.set(sample.category, {
      estimated: sum.estimated + sample.estimated,
      actual: sum.actual + sample.actual,
      samples: sum.samples + 1n,
    });
  }
  if (sums.size === 0) return;
  await table.doc.send(
    new TransactWriteCommand({
      TransactItems: [...sums].map(([category, sum]) => ({
        Update: {
          TableName: table.name,
          Key: historyKey(category),
          UpdateExpression: 'ADD estimated :e, actual :a, samples :n SET category = :c',
          ExpressionAttributeValues: {
            ':e': sum.estimated,
            ':a': sum.actual,
            ':n': sum.samples,
            ':c': category,
          },
        },
      })),
    }),
  );
}

export interface Correction {
  /** actual / estimated in parts per million; 1,000,000 is no correction. */
  factorPpm: bigint;
  samples: number;
}

export async function corrections(table: Table, categories: string[]): Promise<Record<string, Correction>> {
  const result = record<Correction>(
    categories.map((category) => [category, { factorPpm: 1_000_000n, samples: 0 }]),
  );
  if (categories.length === 0) return result;
  const keys = categories.map(historyKey);
  const read = await batchGet(table, keys);
  for (const item of keys.map(read.get)) {
    if (!item) continue;
    const samples = Number(item.samples);
    const estimated = BigInt(item.estimated as bigint);
    if (samples < MIN_SAMPLES || estimated <= 0n) continue;
    const raw = (BigInt(item.actual as bigint) * 1_000_000n) / estimated;
    const factorPpm = raw < MIN_FACTOR_PPM ? MIN_FACTOR_PPM : raw > MAX_FACTOR_PPM ? MAX_FACTOR_PPM : raw;
    result[String(item.category)] = { factorPpm, samples };
  }
  return result;
}
