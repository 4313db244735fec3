import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import type { ApiResponse, Json } from '../support/http.js';
import type { TestRuntime } from '../support/runtime.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';

/** Helpers shared by the workflow test files (each file starts its own runtime). */
export const EXAMPLE_QUERY = 'Analyze quantum field interactions for advanced photonic system development';

export const PHASE_IDS = [
  'teacher',
  'prompter',
  'codegen',
  'student',
  'security',
  'multi_agent',
  'settlement',
];

export const idem = () => ({ 'idempotency-key': `wf-${randomBytes(8).toString('hex')}` });

export interface Researcher {
  id: string;
  key: string;
  budgetId: string;
}

/** A user with `grant` FTNS and a budget of `total` they own. */
export async function researcher(
  t: TestRuntime,
  options: { grant?: string; total?: string; budget?: Record<string, unknown> } = {},
): Promise<Researcher> {
  const user = await t.newUser();
  if (options.grant !== '0') expect((await t.grant(user.id, options.grant ?? '1000')).status).toBe(201);
  const budget = await t.api('POST', '/v1/budgets', {
    key: user.key,
    body: { name: 'Research', total: options.total ?? '150', ...options.budget },
  });
  expect(budget.status, JSON.stringify(budget.body)).toBe(201);
  return { ...user, budgetId: budget.body.id };
}

export const submit = (t: TestRuntime, who: Researcher, body: Record<string, unknown>, headers = idem()) =>
  t.api('POST', '/v1/workflows', { key: who.key, body: { budgetId: who.budgetId, ...body }, headers });

export async function submitted(
  t: TestRuntime,
  who: Researcher,
  body: Record<string, unknown>,
): Promise<string> {
  const response = await submit(t, who, body);
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return response.body.id;
}

export const getWorkflow = async (t: TestRuntime, key: string, id: string): Promise<Json> => {
  const response = await t.api('GET', `/v1/workflows/${id}`, { key });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
};

/** Polls the workflow until `done` holds (or fails the test after a generous `timeoutMs`). */
export async function waitFor(
  t: TestRuntime,
  key: string,
  id: string,
  done: (workflow: Json) => boolean,
  timeoutMs = GENEROUS_WAIT_MS,
): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  let last: Json;
  while (Date.now() < deadline) {
    last = await getWorkflow(t, key, id);
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`workflow ${id} did not get there in ${timeoutMs} ms: ${JSON.stringify(last, null, 2)}`);
}

/** Stopped and settled: every hold captured or released. */
export const finished = (workflow: Json) =>
  ['completed', 'failed', 'cancelled'].includes(workflow.status) && workflow.settledAt !== null;

export const account = async (t: TestRuntime, key: string) =>
  (await t.api('GET', '/v1/accounts/me', { key })).body;

export const budget = async (t: TestRuntime, key: string, id: string) =>
  (await t.api('GET', `/v1/budgets/${id}`, { key })).body;

export async function holds(t: TestRuntime, key: string): Promise<Json[]> {
  const response: ApiResponse = await t.api('GET', '/v1/holds?limit=100', { key });
  expect(response.status).toBe(200);
  return response.body.items;
}

export async function audit(t: TestRuntime): Promise<Json> {
  const response = await t.api('GET', '/v1/ledger/audit', { key: t.adminKey });
  expect(response.status).toBe(200);
  return response.body;
}

export async function artifactKeys(t: TestRuntime, workflowId: string): Promise<string[]> {
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    const listed = await s3.send(
      new ListObjectsV2Command({
        Bucket: t.runtime.resources.bucketName,
        Prefix: `workflows/${workflowId}/`,
      }),
    );
    return (listed.Contents ?? []).map((object) => object.Key!).sort();
  } finally {
    s3.destroy();
  }
}

/** Sum of FTNS decimal strings, exactly (as micro-FTNS). */
export const sumFtns = (amounts: string[]): string => {
  const micro = amounts.reduce((sum, amount) => {
    const [whole = '0', fraction = ''] = amount.split('.');
    return sum + BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
  }, 0n);
  const fraction = (micro % 1_000_000n)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${micro / 1_000_000n}.${fraction.padEnd(2, '0')}`;
};
