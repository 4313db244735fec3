import { DEMO_JOURNEYS, DEMO_LISTINGS } from '#shared/marketplace/demo-catalogue.js';

/**
 * What virtual users do. Each scenario is a short user journey through the public API; add one
 * here and the load run interleaves it with the others.
 */
export interface VirtualUser {
  id: string;
  key: string;
  state: Record<string, string>;
}

export type Call = (
  scenario: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
  idempotencyKey?: string,
) => Promise<{ status: number; body: { [key: string]: unknown } & Record<string, never> }>;

export interface Scenario {
  name: string;
  prepare?(users: VirtualUser[], call: Call): Promise<void>;
  run(user: VirtualUser, users: VirtualUser[], call: Call, opId: string): Promise<void>;
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

const transfer: Scenario = {
  name: 'transfer',
  run: async (user, users, call, opId) => {
    const to = pick(users.filter((u) => u.id !== user.id));
    await call('transfer', 'POST', '/v1/transfers', user.key, { to: to.id, amount: '0.01' }, opId);
    await call('balance', 'GET', '/v1/accounts/me', user.key);
  },
};

const charge: Scenario = {
  name: 'charge',
  prepare: async (users, call) => {
    for (const user of users) {
      const created = await call('setup', 'POST', '/v1/budgets', user.key, {
        name: 'load',
        total: '1000000',
      });
      user.state.budgetId = String(created.body.id);
    }
  },
  run: async (user, _users, call, opId) => {
    await call(
      'charge',
      'POST',
      `/v1/budgets/${user.state.budgetId}/charges`,
      user.key,
      { amount: '0.01', category: 'model_inference' },
      opId,
    );
    await call('budget', 'GET', `/v1/budgets/${user.state.budgetId}`, user.key);
  },
};

const hold: Scenario = {
  name: 'hold',
  run: async (user, _users, call, opId) => {
    const created = await call(
      'hold',
      'POST',
      '/v1/holds',
      user.key,
      { amount: '0.05', expiresInSeconds: 60 },
      opId,
    );
    if (created.status === 201) {
      await call(
        'capture',
        'POST',
        `/v1/holds/${created.body.id}/capture`,
        user.key,
        { amount: '0.02' },
        `${opId}-capture`,
      );
    }
  },
};

/**
 * The four end-to-end journeys of the demo catalogue, each one checkout. The first virtual user
 * lists the journeys' items again as pay-per-use (one-time items can be bought only once), at
 * the demo prices, so that every user can take every journey again and again.
 */
const journey: Scenario = {
  name: 'journey',
  prepare: async (users, call) => {
    const seller = users[0]!;
    for (const demo of DEMO_JOURNEYS) {
      const ids: string[] = [];
      for (const listingId of demo.listingIds) {
        const source = DEMO_LISTINGS.find((listing) => listing.id === listingId)!;
        const created = await call('setup', 'POST', '/v1/listings', seller.key, {
          type: source.type,
          title: source.title,
          description: source.description,
          tags: source.tags,
          price: source.price,
          pricingModel: 'pay_per_use',
          metadata: source.metadata,
        });
        ids.push(String(created.body.id));
      }
      seller.state[`journey:${demo.name}`] = ids.join(',');
    }
  },
  run: async (user, users, call, opId) => {
    if (user.id === users[0]!.id) return; // a seller cannot buy their own listings
    const demo = pick([...DEMO_JOURNEYS]);
    const ids = users[0]!.state[`journey:${demo.name}`]!.split(',');
    await call(
      `journey`,
      'POST',
      '/v1/orders',
      user.key,
      {
        items: ids.map((listingId) => ({ listingId })),
        budgetId: user.state.budgetId,
        category: 'marketplace_trading',
      },
      opId,
    );
  },
};

/** A research workflow submitted, then read once (its phases run on the queue meanwhile). */
const workflow: Scenario = {
  name: 'workflow',
  run: async (user, _users, call, opId) => {
    const submitted = await call(
      'workflow',
      'POST',
      '/v1/workflows',
      user.key,
      {
        prompt: 'Analyze quantum field interactions for advanced photonic system development',
        budgetId: user.state.budgetId,
      },
      opId,
    );
    if (submitted.status === 202)
      await call('workflow-read', 'GET', `/v1/workflows/${submitted.body.id}`, user.key);
  },
};

export const scenarios: Scenario[] = [transfer, charge, hold, journey, workflow];
