import type { Micro } from '#platform/money.js';
import { hasKey, type Keyed, mapValues, record } from '#platform/records.js';

/**
 * A budget caps what its members may spend. It is one item: configuration plus the running
 * figures and the headroom attributes that charge conditions compare (DynamoDB conditions
 * cannot add): `remaining`, `expansionHeadroom`, `untilNextAlert`, and per member and per
 * category `memberRoom#<user>` / `categoryRoom#<slug>`.
 */
export type BudgetStatus = 'active' | 'suspended' | 'closed';
export type Enforcement = 'soft' | 'hard';
export type Period = 'none' | 'monthly';

export interface CategoryConfig {
  allocation: Micro;
  enforcement: Enforcement;
}

export interface Budget {
  id: string;
  ownerId: string;
  name: string;
  status: BudgetStatus;
  period: Period;
  periodKey: string;
  total: Micro;
  limit: Micro;
  spent: Micro;
  reserved: Micro;
  autoExpand: { enabled: boolean; maxExpansion: Micro };
  alertThresholds: number[];
  suspendAtPercent: number | null;
  /** Keyed by names users chose: prototype-free records, read with `own` (#platform/records.js). */
  categories: Keyed<CategoryConfig>;
  /** Spent per category slug, including slugs without an allocation. */
  categorySpent: Keyed<Micro>;
  members: Keyed<{ cap: Micro | null }>;
  memberSpent: Keyed<Micro>;
  /** Incremented by every write: the condition of writes planned from a read. */
  version: bigint;
  createdAt: string;
}

/** "Unlimited" headroom for members without a cap and categories without hard enforcement. */
export const UNBOUNDED: Micro = 10n ** 24n;

export const budgetKey = (id: string) => ({ pk: `BUDGET#${id}`, sk: 'BUDGET' });
export const membershipKey = (userId: string, budgetId: string) => ({
  pk: `MEMBER#${userId}`,
  sk: `BUDGET#${budgetId}`,
});

export const categorySpentAttr = (slug: string) => `categorySpent#${slug}`;
export const categoryRoomAttr = (slug: string) => `categoryRoom#${slug}`;
export const memberSpentAttr = (userId: string) => `memberSpent#${userId}`;
export const memberRoomAttr = (userId: string) => `memberRoom#${userId}`;

/** The accounting period a time falls in. */
export const periodKeyOf = (period: Period, at: Date): string =>
  period === 'monthly' ? at.toISOString().slice(0, 7) : 'none';

export const remainingOf = (budget: Pick<Budget, 'limit' | 'spent' | 'reserved'>): Micro =>
  budget.limit - budget.spent - budget.reserved;

export const isMember = (budget: Budget, userId: string): boolean => hasKey(budget.members, userId);

const micro = (value: unknown): Micro =>
  value === undefined || value === null ? 0n : BigInt(value as bigint);

function prefixed(item: Record<string, unknown>, prefix: string): Record<string, Micro> {
  return record(
    Object.entries(item)
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, value]) => [name.slice(prefix.length), micro(value)] as const),
  );
}

export function budgetOf(item: Record<string, unknown>): Budget {
  const categories = (item.categories ?? {}) as Record<
    string,
    { allocation: unknown; enforcement: Enforcement }
  >;
  const members = (item.members ?? {}) as Record<string, { cap?: unknown }>;
  return {
    id: String(item.id),
    ownerId: String(item.ownerId),
    name: String(item.name),
    status: item.status as BudgetStatus,
    period: item.period as Period,
    periodKey: String(item.periodKey),
    total: micro(item.total),
    limit: micro(item.limit),
    spent: micro(item.spent),
    reserved: micro(item.reserved),
    autoExpand: { enabled: Boolean(item.autoExpandEnabled), maxExpansion: micro(item.maxExpansion) },
    alertThresholds: ((item.alertThresholds ?? []) as unknown[]).map(Number),
    suspendAtPercent:
      item.suspendAtPercent === undefined || item.suspendAtPercent === null
        ? null
        : Number(item.suspendAtPercent),
    categories: mapValues(categories, (c) => ({
      allocation: micro(c.allocation),
      enforcement: c.enforcement,
    })),
    categorySpent: prefixed(item, 'categorySpent#'),
    members: mapValues(members, (m) => ({
      cap: m.cap === undefined || m.cap === null ? null : micro(m.cap),
    })),
    memberSpent: prefixed(item, 'memberSpent#'),
    version: micro(item.version),
    createdAt: String(item.createdAt),
  };
}
