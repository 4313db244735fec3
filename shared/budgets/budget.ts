import * as z from 'zod';
import { itemCodec, storedInt, storedMicro, storedMicroOrZero, storedString } from '#platform/item-codec.js';
import type { Micro } from '#platform/money.js';
import { hasKey, type Keyed, record } from '#platform/records.js';

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

function prefixed(item: Record<string, unknown>, prefix: string): Record<string, Micro> {
  return record(
    Object.entries(item)
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, value]) => [name.slice(prefix.length), storedMicro.parse(value)] as const),
  );
}

const storedCategory = z.object({ allocation: storedMicro, enforcement: z.enum(['soft', 'hard']) });
const storedMember = z.object({ cap: storedMicro.nullish().transform((cap) => cap ?? null) });

/** A budget item as `budgetItem` writes it; the per-category and per-member figures are attributes of their own. */
export const budgetOf = itemCodec<Budget>(
  'budget',
  z
    .looseObject({
      id: storedString,
      ownerId: storedString,
      name: storedString,
      status: z.enum(['active', 'suspended', 'closed']),
      period: z.enum(['none', 'monthly']),
      periodKey: storedString,
      total: storedMicro,
      limit: storedMicro,
      spent: storedMicro,
      reserved: storedMicroOrZero,
      autoExpandEnabled: z.boolean().optional(),
      maxExpansion: storedMicroOrZero,
      alertThresholds: z.array(storedInt).optional(),
      suspendAtPercent: storedInt.nullish(),
      categories: z.record(z.string(), storedCategory).optional(),
      members: z.record(z.string(), storedMember).optional(),
      version: storedMicro,
      createdAt: storedString,
    })
    .transform((item) => ({
      id: item.id,
      ownerId: item.ownerId,
      name: item.name,
      status: item.status,
      period: item.period,
      periodKey: item.periodKey,
      total: item.total,
      limit: item.limit,
      spent: item.spent,
      reserved: item.reserved,
      autoExpand: { enabled: item.autoExpandEnabled ?? false, maxExpansion: item.maxExpansion },
      alertThresholds: item.alertThresholds ?? [],
      suspendAtPercent: item.suspendAtPercent ?? null,
      categories: record(Object.entries(item.categories ?? {})),
      categorySpent: prefixed(item, 'categorySpent#'),
      members: record(Object.entries(item.members ?? {})),
      memberSpent: prefixed(item, 'memberSpent#'),
      version: item.version,
      createdAt: item.createdAt,
    })),
);
