import type { Budget } from '#shared/budgets/budget.js';

/** FTNS to micro-FTNS, for readable tables: ftns(12.5) = 12_500_000n. */
export const ftns = (value: number): bigint => BigInt(Math.round(value * 1_000_000));

export const NOW = new Date('2026-03-15T12:00:00Z');

/** An active budget of 100 FTNS without a period, one member `owner`, thresholds 50/75/90. */
export function budgetWith(overrides: Partial<Budget> = {}): Budget {
  return {
    id: 'bud_1',
    ownerId: 'owner',
    name: 'Research',
    status: 'active',
    period: 'none',
    periodKey: 'none',
    total: ftns(100),
    limit: ftns(100),
    spent: 0n,
    reserved: 0n,
    autoExpand: { enabled: false, maxExpansion: 0n },
    alertThresholds: [50, 75, 90],
    suspendAtPercent: null,
    categories: {},
    categorySpent: {},
    members: { owner: { cap: null } },
    memberSpent: {},
    version: 7n,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export const chargeOf = (
  amount: number,
  extra: { memberId?: string; category?: string; fromReserved?: number } = {},
) => ({
  budgetId: 'bud_1',
  memberId: extra.memberId ?? 'owner',
  category: extra.category ?? 'compute',
  amount: ftns(amount),
  ...(extra.fromReserved === undefined ? {} : { fromReserved: ftns(extra.fromReserved) }),
});
