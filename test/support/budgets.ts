import { expect } from 'vitest';
import type { TestRuntime } from './runtime.js';

let keys = 0;
export const idempotencyKey = () => ({ 'idempotency-key': `k-${++keys}-${Math.random()}` });

/** Budget steps as a client takes them, through the API. */
export function budgetSteps(t: TestRuntime) {
  return {
    /** A new user with FTNS to spend. */
    async funded(amount = '10000') {
      const user = await t.newUser();
      await t.grant(user.id, amount);
      return user;
    },

    async createBudget(key: string, body: Record<string, unknown>) {
      const response = await t.api('POST', '/v1/budgets', { key, body });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body;
    },

    /** A charge as the API asks clients to send it: a 503 (contention) is retried with the same key. */
    async charge(key: string, budgetId: string, amount: string, category: string) {
      const headers = idempotencyKey();
      for (let attempt = 1; ; attempt++) {
        const response = await t.api('POST', `/v1/budgets/${budgetId}/charges`, {
          key,
          body: { amount, category },
          headers,
        });
        if (response.status !== 503 || attempt === 10) return response;
        expect(response.headers.get('retry-after')).toBeTruthy();
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    },

    async budget(key: string, id: string) {
      return (await t.api('GET', `/v1/budgets/${id}`, { key })).body;
    },
  };
}
