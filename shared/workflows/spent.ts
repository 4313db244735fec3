import { ceilMicro } from '#shared/prices/model-prices.js';
import type { Metered, UsageLine } from './research/meter.js';

/**
 * What an attempt of a model phase used before it failed, kept in the phase's record (one JSON
 * string per attempt, appended once per delivery) so that usage measured is usage billed: the
 * attempt that finally succeeds is charged its own usage plus these, and a phase that fails for
 * good captures these from its hold. Never above the hold.
 */
export interface SpentAttempt {
  usage: UsageLine[];
  /** Exact tokens x prices, in millionths of a micro-FTNS (rounded up once, over all attempts). */
  charge: bigint;
}

export const spentJson = (metered: Metered): string =>
  JSON.stringify({ usage: metered.usage, charge: String(metered.charge) });

export function spentOfItem(value: unknown): SpentAttempt[] {
  if (!Array.isArray(value)) return [];
  return value.map((json) => {
    const parsed = JSON.parse(String(json)) as { usage: UsageLine[]; charge: string };
    return { usage: parsed.usage, charge: BigInt(parsed.charge) };
  });
}

/** Earlier attempts' usage and this one's, as one bill: the lines, and the cost capped at the hold. */
export function billOf(spent: SpentAttempt[], hold: bigint, current?: Metered): Metered {
  const usage = [...spent.flatMap((attempt) => attempt.usage), ...(current?.usage ?? [])];
  const charge = spent.reduce((sum, attempt) => sum + attempt.charge, current?.charge ?? 0n);
  const cost = ceilMicro(charge);
  return { usage, charge, cost: cost < hold ? cost : hold };
}
