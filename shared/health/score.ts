import type { CheckResult } from './check.js';

/**
 * The original's scoring: the mean of three percentages (components healthy, dependencies
 * available, integration points working), a degraded check counting half. 5/8, 2/6 and 5/5
 * give 65.3, "fair", ready.
 */
/** `critical`: a money invariant is broken, whatever the rest says (score 0, not ready). */
export type Band = 'excellent' | 'good' | 'fair' | 'poor' | 'critical';

export interface Score {
  score: number;
  band: Band;
  ready: boolean;
}

const weight = { healthy: 2, degraded: 1, down: 0 } as const;

/** Percentage of a group, as an exact fraction of the maximum weight; an empty group is whole. */
function groupFraction(results: CheckResult[]): [number, number] {
  if (results.length === 0) return [1, 1];
  return [results.reduce((sum, r) => sum + weight[r.status], 0), results.length * 2];
}

/** A broken money invariant outweighs everything: books that do not balance are not "93.3 excellent". */
export const CRITICAL: Score = { score: 0, band: 'critical', ready: false };

export function scoreOf(groups: CheckResult[][]): Score {
  if (groups.some((group) => group.some((result) => result.moneyInvariantBroken))) return CRITICAL;
  const mean =
    groups.reduce((sum, group) => {
      const [earned, possible] = groupFraction(group);
      return sum + (earned / possible) * 100;
    }, 0) / groups.length;
  const score = Math.round(mean * 10) / 10;
  const band: Band = score >= 85 ? 'excellent' : score >= 70 ? 'good' : score >= 50 ? 'fair' : 'poor';
  return { score, band, ready: score >= 60 };
}
