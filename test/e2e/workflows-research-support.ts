import { expect } from 'vitest';
import type { Json } from '../support/http.js';
import type { TestRuntime } from '../support/runtime.js';
import { PRICES, STUDENT, TEACHER } from './workflows-research-script.js';
import {
  account,
  budget,
  EXAMPLE_QUERY,
  finished,
  type Researcher,
  submitted,
  waitFor,
} from './workflows-support.js';

export * from './workflows-research-script.js';

/** The checks every provider's run of the model phases must pass. */
export const micro = (ftns: string): bigint => {
  const [whole = '0', fraction = ''] = ftns.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
};

/** What the usage costs, computed here from the prices the test set: ceil(sum / 1e6). */
export function expectedCost(usage: { model: string; inputTokens: number; outputTokens: number }[]): bigint {
  const charge = usage.reduce((sum, line) => {
    const price = PRICES[line.model as keyof typeof PRICES];
    return (
      sum +
      BigInt(line.inputTokens) * micro(price.inputPerMillion) +
      BigInt(line.outputTokens) * micro(price.outputPerMillion)
    );
  }, 0n);
  return (charge + 999_999n) / 1_000_000n;
}

export async function setModelPrices(t: TestRuntime): Promise<void> {
  for (const [model, price] of Object.entries(PRICES)) {
    const response = await t.api('PUT', `/v1/prices/models/${model}`, { key: t.adminKey, body: price });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  }
}

export const MODEL_PHASES = ['teacher', 'prompter', 'codegen', 'student', 'multi_agent'];

/** The checks of a completed model workflow: costs from usage, totals, the money settled. */
export async function expectSettled(t: TestRuntime, who: Researcher, workflow: Json, grant: bigint) {
  expect(workflow.status).toBe('completed');
  let total = 0n;
  for (const phase of workflow.phases) {
    expect(phase.status).toBe('completed');
    if (MODEL_PHASES.includes(phase.id)) {
      expect(phase.usage.length).toBeGreaterThan(0);
      expect(micro(phase.cost)).toBe(expectedCost(phase.usage));
      expect(micro(phase.cost)).toBeLessThanOrEqual(micro(phase.estimate));
    } else {
      expect(phase.usage).toBeNull();
    }
    total += micro(phase.cost);
  }
  expect(micro(workflow.totalCost)).toBe(total);
  expect(micro(workflow.response.totalCost)).toBe(total);
  const balance = await account(t, who.key);
  expect(micro(balance.balance)).toBe(grant - total);
  expect(balance.held).toBe('0.00');
  const spent = await budget(t, who.key, who.budgetId);
  expect(micro(spent.spent)).toBe(total);
  expect(spent.reserved).toBe('0.00');
}

export const runExample = async (t: TestRuntime, who: Researcher, executor: string) => {
  const id = await submitted(t, who, { prompt: EXAMPLE_QUERY, executor });
  return waitFor(t, who.key, id, finished, 60_000);
};

/** The model settings every research file runs with, whatever the provider: the scripted models, two attempts a call. */
export const RESEARCH_MODEL_ENV = {
  PRSM_MODEL_TEACHER: TEACHER,
  PRSM_MODEL_STUDENT: STUDENT,
  PRSM_MODEL_MAX_ATTEMPTS: '2',
};
