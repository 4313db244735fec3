import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { parseFtns } from '#platform/money.js';
import { Transaction } from '#platform/transaction.js';
import { type Budget, membershipKey, periodKeyOf } from '#shared/budgets/budget.js';
import { budgetItem } from '#shared/budgets/budget-item.js';
import { DEFAULT_THRESHOLDS } from '#shared/budgets/thresholds.js';
import { type IssuedKey, issueKey, keyFromSecret } from '#shared/identity/api-key.js';
import { createUser } from '#shared/identity/users.js';
import { requireUser } from '#shared/ledger/ledger.js';
import { Posting } from '#shared/ledger/posting.js';
import {
  DEMO_BUYERS,
  DEMO_CATEGORY,
  DEMO_LISTINGS,
  DEMO_SELLERS,
  type DemoListing,
  type DemoUser,
} from './demo-catalogue.js';
import { ListingChangedError } from './errors.js';
import { createListing, type ListingDeps } from './listings.js';

/**
 * Seeds the demo catalogue: its sellers and buyers (with API keys), a grant and a budget per
 * buyer, and the listings. Every id is fixed and every write conditional on the item being new,
 * so a second run (a restart of `npm start`, the seed script run twice) creates nothing twice.
 *
 * Keys: locally they are fixed development keys (like the local admin's) so that they can be
 * printed on every start; on a deployed stage they are random, shown once when the user is
 * created, and stored only as hashes like every other key.
 */
export type DemoKeys = 'development' | 'random';

export interface SeededUser {
  id: string;
  name: string;
  role: 'seller' | 'buyer';
  created: boolean;
  /** The key: development keys always; random keys only when this run created the user. */
  apiKey?: string;
}

export interface DemoSeed {
  users: SeededUser[];
  listings: { created: number; existing: number };
  grants: { created: number; existing: number };
  budgets: { created: number; existing: number };
}

/** A development key with the shape of a real one; never deploy it. */
export const developmentKeyOf = (user: Pick<DemoUser, 'keyId'>): string =>
  `prsm_${user.keyId}_${'DEVELOPMENT-ONLY-demo-key-never-deploy-it'.padEnd(43, '0').slice(0, 43)}`;

const isDuplicate = (error: unknown) => error instanceof TransactionCanceledException;

async function seedUser(deps: ListingDeps, user: DemoUser, role: SeededUser['role'], keys: DemoKeys) {
  const key: IssuedKey = keys === 'development' ? keyFromSecret(developmentKeyOf(user)) : issueKey();
  const seeded: SeededUser = { id: user.id, name: user.name, role, created: true };
  try {
    await createUser(deps.table, { id: user.id, name: user.name, role: 'user', key }, deps.clock);
  } catch (error) {
    if (!isDuplicate(error)) throw error;
    seeded.created = false;
  }
  if (seeded.created || keys === 'development') seeded.apiKey = key.secret;
  return seeded;
}

/** A grant with a fixed transfer id: its entry in the buyer's history exists after the first run. */
async function seedGrant(deps: ListingDeps, user: DemoUser): Promise<boolean> {
  const now = deps.clock.now();
  const posting = new Posting(now);
  posting.move({
    id: `tr_demogrant${user.id.replace(/^usr_/, '')}`,
    from: 'mint',
    to: user.id,
    amount: parseFtns(user.grant!)!,
    reason: 'grant',
    memo: 'demo catalogue',
  });
  const tx = requireUser(new Transaction(deps.table), deps, user.id, 'userId');
  try {
    await posting.applyTo(tx, deps.table.name).commit(deps.retry);
    return true;
  } catch (error) {
    if (isDuplicate(error)) return false;
    throw error;
  }
}

async function seedBudget(deps: ListingDeps, user: DemoUser): Promise<boolean> {
  const now = deps.clock.now();
  const total = parseFtns(user.budget!.total)!;
  const budget: Budget = {
    id: user.budget!.id,
    ownerId: user.id,
    name: 'Demo marketplace budget',
    status: 'active',
    period: 'none',
    periodKey: periodKeyOf('none', now),
    total,
    limit: total,
    spent: 0n,
    reserved: 0n,
    autoExpand: { enabled: false, maxExpansion: 0n },
    alertThresholds: [...DEFAULT_THRESHOLDS],
    suspendAtPercent: null,
    categories: { [DEMO_CATEGORY]: { allocation: total, enforcement: 'soft' } },
    categorySpent: {},
    members: { [user.id]: { cap: null } },
    memberSpent: {},
    version: 1n,
    createdAt: now.toISOString(),
  };
  const tx = new Transaction(deps.table)
    .add({
      Put: {
        TableName: deps.table.name,
        Item: budgetItem(budget),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    })
    .add({
      Put: {
        TableName: deps.table.name,
        Item: { ...membershipKey(user.id, budget.id), budgetId: budget.id },
      },
    });
  try {
    await tx.commit(deps.retry);
    return true;
  } catch (error) {
    if (isDuplicate(error)) return false;
    throw error;
  }
}

async function seedListing(deps: ListingDeps, listing: DemoListing): Promise<boolean> {
  try {
    // The platform vets its own demo data: grades past community need an admin.
    await createListing(
      deps,
      { userId: listing.sellerId, role: 'admin' },
      { ...listing, price: parseFtns(listing.price)!, status: 'active' },
    );
    return true;
  } catch (error) {
    if (error instanceof ListingChangedError) return false;
    throw error;
  }
}

const tally = (results: boolean[]) => ({
  created: results.filter(Boolean).length,
  existing: results.filter((created) => !created).length,
});

export async function seedDemoCatalogue(deps: ListingDeps, options: { keys: DemoKeys }): Promise<DemoSeed> {
  const users: SeededUser[] = [];
  for (const seller of DEMO_SELLERS) users.push(await seedUser(deps, seller, 'seller', options.keys));
  for (const buyer of DEMO_BUYERS) users.push(await seedUser(deps, buyer, 'buyer', options.keys));
  const grants: boolean[] = [];
  const budgets: boolean[] = [];
  for (const buyer of DEMO_BUYERS) {
    if (buyer.grant) grants.push(await seedGrant(deps, buyer));
    if (buyer.budget) budgets.push(await seedBudget(deps, buyer));
  }
  const listings = await Promise.all(DEMO_LISTINGS.map((listing) => seedListing(deps, listing)));
  return { users, listings: tally(listings), grants: tally(grants), budgets: tally(budgets) };
}

/** The seed's outcome as lines for a banner or a terminal. */
export function describeSeed(seed: DemoSeed): string[] {
  const count = (what: string, t: { created: number; existing: number }) =>
    `${t.created + t.existing} ${what} (${t.created} new)`;
  return [
    `${count('listings', seed.listings)}, ${count('grants', seed.grants)}, ${count('budgets', seed.budgets)}`,
    ...seed.users.map(
      (user) =>
        `${user.role.padEnd(6)} ${user.id.padEnd(20)} ${user.apiKey ?? '(key shown only when the user was created)'}`,
    ),
  ];
}
