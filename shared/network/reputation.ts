/**
 * Reputation, the original's rules, in thousandths so that no float decides: a node starts at
 * 0.5, gains 0.05 per accepted result, loses 0.15 per failed or expired lease or rejected
 * result, clamped to 0..1; only nodes at 0.3 or above are offered work.
 */
export const REPUTATION_START = 500;
export const REPUTATION_MAX = 1000;
export const REPUTATION_THRESHOLD = 300;

export type ReputationReason = 'accepted' | 'failed' | 'expired' | 'rejected';

export const REPUTATION_STEP: Record<ReputationReason, number> = {
  accepted: 50,
  failed: -150,
  expired: -150,
  rejected: -150,
};

export const nextReputation = (current: number, reason: ReputationReason): number =>
  Math.min(REPUTATION_MAX, Math.max(0, current + REPUTATION_STEP[reason]));

export const formatReputation = (thousandths: number): number => thousandths / 1000;
