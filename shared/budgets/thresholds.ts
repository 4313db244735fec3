import type { Micro } from '#platform/money.js';

/** The original's alert levels: 50 and 75 % warning, 90 % critical, 95 % emergency. */
export const DEFAULT_THRESHOLDS = [50, 75, 90, 95] as const;

export type Severity = 'warning' | 'critical' | 'emergency';

export const severityOf = (percent: number): Severity =>
  percent >= 95 ? 'emergency' : percent >= 90 ? 'critical' : 'warning';

/** No further threshold: a headroom larger than any amount the API accepts. */
export const NO_THRESHOLD_AHEAD: Micro = 10n ** 24n;

/** The spent amount at which `percent` % of `limit` is reached (rounded up to a whole micro-FTNS). */
const spentAt = (percent: number, limit: Micro): Micro => {
  const tenths = BigInt(Math.round(percent * 10));
  return (limit * tenths + 999n) / 1000n;
};

/** Thresholds whose level is reached by going from `before` to `after` spent. */
export function crossedThresholds(
  thresholds: readonly number[],
  limit: Micro,
  before: Micro,
  after: Micro,
): number[] {
  return thresholds.filter((t) => before < spentAt(t, limit) && after >= spentAt(t, limit));
}

/**
 * How much more may be spent before the next threshold (or the suspension level) is reached.
 * Kept on the budget so that the common charge, which crosses nothing, needs no read: its
 * condition `untilNextAlert > :amount` fails exactly when a charge would cross a level.
 */
export function untilNextAlert(levels: readonly number[], limit: Micro, spent: Micro): Micro {
  let next: Micro | undefined;
  for (const level of levels) {
    const at = spentAt(level, limit);
    if (at > spent && (next === undefined || at < next)) next = at;
  }
  return next === undefined ? NO_THRESHOLD_AHEAD : next - spent;
}
