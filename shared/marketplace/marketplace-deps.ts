import * as z from 'zod';
import { type BudgetDeps, budgetDeps } from '#shared/budgets/budget-deps.js';

/** The original's platform fee: 2.5 % of each line, taken from the seller's proceeds. */
export const DEFAULT_FEE_PPM = 25_000n;

const feeSchema = z.object({
  /** Parts per million of a line's price; 25000 = 2.5 %. */
  PRSM_MARKETPLACE_FEE_PPM: z.coerce.number().int().min(0).max(1_000_000).default(Number(DEFAULT_FEE_PPM)),
});

let feePpm: bigint | undefined;

/** The configured fee rate, read once per container and failing fast on a bad value. */
export function configuredFeePpm(env: NodeJS.ProcessEnv = process.env): bigint {
  feePpm ??= BigInt(feeSchema.parse(env).PRSM_MARKETPLACE_FEE_PPM);
  return feePpm;
}

/** Checkout charges budgets, so the marketplace needs what budgets need, and the fee rate. */
export interface MarketplaceDeps extends BudgetDeps {
  feePpm: bigint;
}

let deps: MarketplaceDeps | undefined;
/** The marketplace's dependencies in a Lambda, built once per container. */
export const marketplaceDeps = (): MarketplaceDeps => {
  deps ??= { ...budgetDeps(), feePpm: configuredFeePpm() };
  return deps;
};
