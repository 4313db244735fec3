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

export const scenarios: Scenario[] = [transfer, charge, hold];
