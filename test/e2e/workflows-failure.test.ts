import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phaseSender } from '#shared/workflows/messages.js';
import { listStuckWorkflows, redriveWorkflow } from '#shared/workflows/redrive.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import {
  account,
  artifactKeys,
  audit,
  budget,
  EXAMPLE_QUERY,
  finished,
  getWorkflow,
  holds,
  type Researcher,
  researcher,
  submit,
  submitted,
  waitFor,
} from './workflows-support.js';

/**
 * Failure and control, with the executors' test hooks on (PRSM_WORKFLOW_TEST_HOOKS=1, read by
 * this file's runtime only): `[[fail:<phase>]]` makes a phase throw on every delivery,
 * `[[fail-once:<phase>]]` on the first, `[[pause:<phase>:<ms>]]` holds it for a while.
 */
let t: TestRuntime;

beforeAll(async () => {
  process.env.PRSM_WORKFLOW_TEST_HOOKS = '1';
  t = await startTestRuntime(import.meta.filename);
});

afterAll(async () => {
  await t.stop();
  delete process.env.PRSM_WORKFLOW_TEST_HOOKS;
});

/** What a stopped workflow must leave: only the phases that ran paid, nothing held or reserved. */
async function expectSettled(who: Researcher, spent: string, granted = 500) {
  const [whole, fraction] = spent.split('.');
  const balance = (granted * 100 - Number(whole) * 100 - Number(fraction)) / 100;
  expect(await account(t, who.key)).toMatchObject({ balance: balance.toFixed(2), held: '0.00' });
  expect((await holds(t, who.key)).filter((h: { status: string }) => h.status === 'active')).toEqual([]);
  expect(await budget(t, who.key, who.budgetId)).toMatchObject({ spent, reserved: '0.00' });
  const books = await audit(t);
  expect(books.sumOfBalances).toBe('0.00');
  expect(books.budgetDrift).toEqual([]);
}

describe('Failure: a phase that keeps failing', () => {
  it('ends in the DLQ: the workflow fails there, pays for the phases that ran and releases the rest', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    const id = await submitted(t, who, { prompt: `${EXAMPLE_QUERY} [[fail:codegen]]` });
    const workflow = await waitFor(t, who.key, id, finished);
    expect(workflow.status).toBe('failed');
    expect(workflow.failure).toMatchObject({ code: 'phase_failed', phase: 'codegen' });
    expect(workflow.failure.message).toContain(
      'failed after 3 attempt(s): injected failure in phase codegen',
    );
    expect(workflow.phases.map((p: { status: string }) => p.status)).toEqual([
      'completed',
      'completed',
      'failed',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(workflow.phases[2]).toMatchObject({ attempts: 3, cost: null, artifact: null });
    expect(workflow.totalCost).toBe('24.25');
    expect(await artifactKeys(t, id)).toHaveLength(2);
    const mine = await holds(t, who.key);
    expect(mine.filter((h: { status: string }) => h.status === 'captured')).toHaveLength(2);
    expect(mine.filter((h: { status: string }) => h.status === 'released')).toHaveLength(5);
    await expectSettled(who, '24.25');
  });

  it('retries a phase that fails once and completes for 112.90', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    const id = await submitted(t, who, { prompt: `${EXAMPLE_QUERY} [[fail-once:student]]` });
    const workflow = await waitFor(t, who.key, id, finished);
    expect(workflow.status).toBe('completed');
    expect(workflow.phases[3]).toMatchObject({
      id: 'student',
      attempts: 2,
      status: 'completed',
      error: null,
    });
    expect(workflow.totalCost).toBe('112.90');
    await expectSettled(who, '112.90');
  });
});

describe('Cancel', () => {
  it('stops after the running phase: it finishes and pays, the rest is released', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    const id = await submitted(t, who, { prompt: `${EXAMPLE_QUERY} [[pause:codegen:1500]]` });
    await waitFor(t, who.key, id, (w) => w.phases[2].status === 'running');
    const cancelled = await t.api('POST', `/v1/workflows/${id}/cancel`, { key: who.key });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ cancelRequested: true, status: 'running' });
    const again = await t.api('POST', `/v1/workflows/${id}/cancel`, { key: who.key });
    expect(again.status).toBe(202);
    const workflow = await waitFor(t, who.key, id, finished);
    expect(workflow.status).toBe('cancelled');
    expect(workflow.phases.map((p: { status: string }) => p.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(workflow.totalCost).toBe('46.55');
    expect(workflow.response).toBeNull();
    await expectSettled(who, '46.55');
  });

  it('runs nothing of a workflow cancelled before its first phase began', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    // The poller waits for a batch to finish before it receives again: while another workflow's
    // paused phase 1 holds the batch, this one's phase-1 message waits in the queue, and is cancelled.
    const blocker = await researcher(t, { grant: '500', total: '150' });
    const blocking = await submitted(t, blocker, { prompt: `${EXAMPLE_QUERY} [[pause:teacher:1500]]` });
    await waitFor(t, blocker.key, blocking, (w) => w.phases[0].status === 'running');
    const id = await submitted(t, who, { prompt: EXAMPLE_QUERY });
    const cancelled = await t.api('POST', `/v1/workflows/${id}/cancel`, { key: who.key });
    expect(cancelled.status).toBe(202);
    const workflow = await waitFor(t, who.key, id, finished);
    expect(workflow.status).toBe('cancelled');
    expect(workflow.phases.every((p: { status: string }) => p.status === 'skipped')).toBe(true);
    expect(workflow.phases[0].attempts).toBe(0);
    // The audit reads budgets, then their charges: a workflow still running would skew it.
    await waitFor(t, blocker.key, blocking, finished);
    await expectSettled(who, '0.00');
  });
});

describe('A price change while a workflow runs', () => {
  const setPrice = (component: string, price: string) =>
    t.api('PUT', `/v1/prices/${component}`, { key: t.adminKey, body: { price } });

  it('charges the running workflow its quote; workflows submitted after it pay the new price', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    const id = await submitted(t, who, { prompt: `${EXAMPLE_QUERY} [[pause:teacher:1500]]` });
    expect((await setPrice('CodeGenerator', '20.00')).status).toBe(200);
    try {
      const workflow = await waitFor(t, who.key, id, finished);
      expect(workflow.status).toBe('completed');
      expect(workflow.phases[2]).toMatchObject({ estimate: '22.30', cost: '22.30', extraCharge: null });
      expect(workflow.phases[2].components).toContainEqual({ name: 'CodeGenerator', price: '12.30' });
      expect(workflow.totalCost).toBe('112.90');
      await expectSettled(who, '112.90');

      const later = await researcher(t, { grant: '500', total: '150' });
      const next = await waitFor(
        t,
        later.key,
        await submitted(t, later, { prompt: EXAMPLE_QUERY }),
        finished,
      );
      expect(next).toMatchObject({ status: 'completed', estimate: '120.60', totalCost: '120.60' });
      expect(next.phases[2]).toMatchObject({ estimate: '30.00', cost: '30.00', extraCharge: null });
      expect((await budget(t, later.key, later.budgetId)).categories.tool_execution.spent).toBe('30.00');
    } finally {
      await setPrice('CodeGenerator', '12.30');
    }
  });

  it('refuses at submission, with budget_exceeded, a workflow the new price puts past its budget', async () => {
    const who = await researcher(t, { grant: '500', total: '115' });
    expect((await setPrice('CodeGenerator', '20.00')).status).toBe(200);
    try {
      const response = await submit(t, who, { prompt: EXAMPLE_QUERY });
      expect(response.status).toBe(402);
      expect(response.body.code).toBe('budget_exceeded');
      await expectSettled(who, '0.00');
    } finally {
      await setPrice('CodeGenerator', '12.30');
    }
  });
});

describe('A safety policy change while a workflow runs', () => {
  it('audits the running workflow by the policy its prompt was screened by', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    const id = await submitted(t, who, { prompt: `${EXAMPLE_QUERY} [[pause:teacher:1500]]` });
    const before = (await t.api('GET', '/v1/safety/policy', { key: t.adminKey })).body;
    // Under this policy every artifact that names the query's "photonic" fails its audit (0.80 < 0.90).
    const stricter = await t.api('PUT', '/v1/safety/policy', {
      key: t.adminKey,
      body: { threshold: 0.9, phrases: { dangerous: [...before.phrases.dangerous, 'photonic'] } },
    });
    expect(stricter.status).toBe(200);
    try {
      const workflow = await waitFor(t, who.key, id, finished);
      expect(workflow.status).toBe('completed');
      expect(workflow.response.safetyValidated).toBe(true);
      expect(workflow.audit).toMatchObject({ verified: true, passed: true });
    } finally {
      await t.api('PUT', '/v1/safety/policy', {
        key: t.adminKey,
        body: { threshold: before.threshold, phrases: { dangerous: before.phrases.dangerous } },
      });
    }
  });
});

describe('Re-drive', () => {
  it('lists a running workflow by its last change, and re-driving it charges nothing twice', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    const id = await submitted(t, who, { prompt: `${EXAMPLE_QUERY} [[pause:teacher:1500]]` });
    const running = await waitFor(t, who.key, id, (w) => w.phases[0].status === 'running');
    const later = new Date(Date.now() + 60_000);
    const stuck = await listStuckWorkflows(t.table, later);
    const found = stuck.find((w) => w.id === id);
    expect(found?.status).toBe('running');
    expect(
      (await listStuckWorkflows(t.table, new Date(Date.parse(running.createdAt) - 1000))).map((w) => w.id),
    ).not.toContain(id);
    const sqs = new SQSClient({});
    try {
      // The teacher phase is running: its copy runs the work again and loses the capture.
      expect(
        await redriveWorkflow(phaseSender(sqs, t.runtime.resources.queueUrls['workflow-phases']!), found!),
      ).toBe('teacher');
    } finally {
      sqs.destroy();
    }
    const workflow = await waitFor(t, who.key, id, finished);
    expect(workflow).toMatchObject({ status: 'completed', totalCost: '112.90' });
    expect((await listStuckWorkflows(t.table, later)).map((w) => w.id)).not.toContain(id);
    await expectSettled(who, '112.90');
  });
});

describe('Status while running', () => {
  it('shows the running phase, its start and the phases done so far', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    const id = await submitted(t, who, { prompt: `${EXAMPLE_QUERY} [[pause:student:800]]` });
    const running = await waitFor(t, who.key, id, (w) => w.phases[3].status === 'running');
    expect(running).toMatchObject({ status: 'running', currentPhase: 'student', totalCost: '46.55' });
    expect(running.phases[3].startedAt).toBeTruthy();
    expect(running.phases[3].artifact).toBeNull();
    expect(running.phases.slice(0, 3).every((p: { artifact: unknown }) => p.artifact !== null)).toBe(true);
    expect((await getWorkflow(t, who.key, id)).status).toBe('running');
    await waitFor(t, who.key, id, finished);
  });
});
