import { createHash } from 'node:crypto';
import { own } from '#platform/records.js';
import {
  type Budget,
  budgetKey,
  categoryRoomAttr,
  categorySpentAttr,
  memberRoomAttr,
  memberSpentAttr,
  UNBOUNDED,
} from './budget.js';
import { alertLevels } from './charge-plan.js';
import { untilNextAlert } from './thresholds.js';

/** Every budget is listed in a few partitions of gsi2, for the audit that walks them all. */
export const BUDGET_INDEX_SHARDS = 4;
const budgetIndexOf = (id: string) => ({
  gsi2pk: `BUDGETS#${createHash('sha256').update(id).digest().readUInt8(0) % BUDGET_INDEX_SHARDS}`,
  gsi2sk: id,
});

/** The whole item of a budget, its derived headroom attributes computed from its figures. */
export function budgetItem(budget: Budget): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...budgetKey(budget.id),
    type: 'budget',
    id: budget.id,
    ownerId: budget.ownerId,
    name: budget.name,
    status: budget.status,
    period: budget.period,
    periodKey: budget.periodKey,
    total: budget.total,
    limit: budget.limit,
    spent: budget.spent,
    reserved: budget.reserved,
    remaining: budget.limit - budget.spent - budget.reserved,
    autoExpandEnabled: budget.autoExpand.enabled,
    maxExpansion: budget.autoExpand.maxExpansion,
    expansionHeadroom: budget.autoExpand.enabled
      ? budget.total + budget.autoExpand.maxExpansion - budget.spent - budget.reserved
      : 0n,
    alertThresholds: budget.alertThresholds,
    suspendAtPercent: budget.suspendAtPercent,
    untilNextAlert: untilNextAlert(alertLevels(budget), budget.limit, budget.spent),
    categories: Object.fromEntries(
      Object.entries(budget.categories).map(([slug, c]) => [
        slug,
        { allocation: c.allocation, enforcement: c.enforcement },
      ]),
    ),
    members: Object.fromEntries(Object.entries(budget.members).map(([id, m]) => [id, { cap: m.cap }])),
    version: budget.version,
    createdAt: budget.createdAt,
    ...budgetIndexOf(budget.id),
  };
  const slugs = new Set([...Object.keys(budget.categories), ...Object.keys(budget.categorySpent)]);
  for (const slug of slugs) {
    const spent = own(budget.categorySpent, slug) ?? 0n;
    const category = own(budget.categories, slug);
    item[categorySpentAttr(slug)] = spent;
    item[categoryRoomAttr(slug)] =
      (category?.enforcement === 'hard' ? category.allocation : UNBOUNDED) - spent;
  }
  for (const [userId, spent] of Object.entries(budget.memberSpent)) item[memberSpentAttr(userId)] = spent;
  for (const [userId, member] of Object.entries(budget.members)) {
    const spent = own(budget.memberSpent, userId) ?? 0n;
    item[memberSpentAttr(userId)] = spent;
    item[memberRoomAttr(userId)] = (member.cap ?? UNBOUNDED) - spent;
  }
  return item;
}
