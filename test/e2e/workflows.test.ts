import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import {
  account,
  artifactKeys,
  audit,
  budget,
  EXAMPLE_QUERY,
  finished,
  getWorkflow,
  holds,
  idem,
  PHASE_IDS,
  type Researcher,
  researcher,
  submit,
  submitted,
  sumFtns,
  waitFor,
} from './workflows-support.js';

/** Research workflows through HTTP and SQS against the local AWS: the original's example and the refusals. */
const t = useRuntime(import.meta.filename);

describe('Workflows: the original example query under a 150 FTNS budget', () => {
  let ada: Researcher;
  let workflow: Json;

  beforeAll(async () => {
    ada = await researcher(t, { grant: '500', total: '150' });
    const response = await submit(t, ada, { prompt: EXAMPLE_QUERY, preferences: { level: 'expert' } });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    expect(response.body).toMatchObject({ status: 'queued', estimate: '112.90' });
    expect(response.headers.get('location')).toBe(`/v1/workflows/${response.body.id}`);
    workflow = await waitFor(t, ada.key, response.body.id, finished);
  });

  it('completes all seven phases for 112.90 over 15 components', () => {
    expect(workflow.status).toBe('completed');
    expect(workflow.totalCost).toBe('112.90');
    expect(workflow.phases.map((p: { id: string }) => p.id)).toEqual(PHASE_IDS);
    expect(workflow.phases.every((p: { status: string }) => p.status === 'completed')).toBe(true);
    expect(workflow.phases.map((p: { cost: string }) => p.cost)).toEqual([
      '15.50',
      '8.75',
      '22.30',
      '12.40',
      '6.80',
      '28.90',
      '18.25',
    ]);
    expect(sumFtns(workflow.phases.flatMap((p: Json) => p.components.map((c: Json) => c.price)))).toBe(
      '112.90',
    );
    expect(workflow.response).toMatchObject({ totalCost: '112.90', safetyValidated: true });
    expect(workflow.response.componentsUsed).toHaveLength(15);
    expect(workflow.response.responseText).toContain(EXAMPLE_QUERY);
    // The built-in executor says plainly what it is: a deterministic demonstration, not research.
    expect(workflow.executor).toBe('builtin');
    expect(workflow.response.executor).toBe('builtin-demo');
    expect(workflow.response.responseText).toMatch(/^Deterministic demonstration \(builtin-demo\)/);
    expect(workflow.phases.every((p: Json) => p.executor === 'builtin-demo' && p.usage === null)).toBe(true);
    expect(workflow.response.executionTimeMs).toBeGreaterThan(0);
    for (const phase of workflow.phases) {
      expect(phase.startedAt <= phase.finishedAt).toBe(true);
      expect(phase.durationMs).toBeGreaterThanOrEqual(phase.executorMs);
    }
  });

  it('writes 7 artifacts to S3 whose links serve exactly the recorded bytes', async () => {
    expect(await artifactKeys(t, workflow.id)).toEqual(
      PHASE_IDS.map((id) => `workflows/${workflow.id}/${id}.json`).sort(),
    );
    for (const phase of workflow.phases) {
      const body = Buffer.from(await (await fetch(phase.artifact.url)).arrayBuffer());
      expect(createHash('sha256').update(body).digest('hex')).toBe(phase.artifact.sha256);
      expect(JSON.parse(body.toString()).phase.id).toBe(phase.id);
    }
    const link = await t.api('GET', `/v1/workflows/${workflow.id}/artifacts/3`, { key: ada.key });
    expect(link.status).toBe(200);
    expect(link.body).toMatchObject({ phase: 'codegen', sha256: workflow.phases[2].artifact.sha256 });
    const code = JSON.parse(await (await fetch(link.body.url)).text());
    expect(code.data.files[0].content).toContain('def simulate');
  });

  it('settles every hold: 112.90 captured, nothing held, the budget spent by phase category', async () => {
    expect(await account(t, ada.key)).toMatchObject({ balance: '387.10', held: '0.00', available: '387.10' });
    const mine = await holds(t, ada.key);
    expect(mine).toHaveLength(7);
    expect(mine.every((h: { status: string }) => h.status === 'captured')).toBe(true);
    expect(sumFtns(mine.map((h: { capturedAmount: string }) => h.capturedAmount))).toBe('112.90');
    const read = await budget(t, ada.key, ada.budgetId);
    expect(read).toMatchObject({
      spent: '112.90',
      reserved: '0.00',
      remaining: '37.10',
      utilisation: '75.3',
    });
    const spent = Object.fromEntries(
      Object.entries(read.categories).map(([slug, c]: [string, Json]) => [slug, c.spent]),
    );
    expect(spent).toEqual({
      model_inference: '27.90',
      context_processing: '8.75',
      tool_execution: '22.30',
      safety_validation: '6.80',
      agent_coordination: '28.90',
      marketplace_trading: '18.25',
    });
    const charges = await t.api('GET', `/v1/budgets/${ada.budgetId}/charges?limit=100`, { key: ada.key });
    expect(charges.body.items).toHaveLength(7);
    expect(charges.body.items.every((c: { source: string }) => c.source === 'workflow')).toBe(true);
    const alerts = await t.api('GET', `/v1/budgets/${ada.budgetId}/alerts`, { key: ada.key });
    expect(alerts.body.items.map((a: { threshold: number }) => a.threshold)).toEqual([50, 75]);
  });

  it('leaves the ledger audit at zero with no budget drift', async () => {
    const books = await audit(t);
    expect(books.sumOfBalances).toBe('0.00');
    expect(books.negativeBalances).toEqual([]);
    expect(books.budgetDrift).toEqual([]);
  });

  it('keeps a verifiable audit trail: six artifacts scored and chained, verified again on request', async () => {
    expect(workflow.audit).toMatchObject({ verified: true, passed: true });
    expect(workflow.audit.entries.map((e: { phase: string }) => e.phase)).toEqual(PHASE_IDS.slice(0, 6));
    const check = await t.api('GET', `/v1/workflows/${workflow.id}/audit`, { key: ada.key });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({
      state: 'complete',
      verified: true,
      linksIntact: true,
      artifactsIntact: true,
      passed: true,
      head: workflow.audit.head,
    });
  });

  it('lists the workflow for its owner, hides it from others (404) and shows it to admins', async () => {
    const listed = await t.api('GET', '/v1/workflows', { key: ada.key });
    expect(listed.body.items.map((w: { id: string }) => w.id)).toContain(workflow.id);
    const other = await t.newUser();
    for (const path of [
      `/v1/workflows/${workflow.id}`,
      `/v1/workflows/${workflow.id}/artifacts/teacher`,
      `/v1/workflows/${workflow.id}/audit`,
    ]) {
      expect((await t.api('GET', path, { key: other.key })).status).toBe(404);
      expect((await t.api('GET', path, { key: t.adminKey })).status).toBe(200);
    }
    expect((await t.api('POST', `/v1/workflows/${workflow.id}/cancel`, { key: other.key })).status).toBe(404);
    const theirs = await t.api('GET', `/v1/workflows?userId=${ada.id}`, { key: t.adminKey });
    expect(theirs.body.items.map((w: { id: string }) => w.id)).toContain(workflow.id);
    expect((await t.api('GET', `/v1/workflows?userId=${ada.id}`, { key: other.key })).status).toBe(403);
  });

  it('answers a finished workflow cancel with 409', async () => {
    const response = await t.api('POST', `/v1/workflows/${workflow.id}/cancel`, { key: ada.key });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('workflow_finished');
  });
});

describe('Workflows: idempotent submission', () => {
  it('answers a retried submission with the first answer and runs one workflow', async () => {
    const bob = await researcher(t, { grant: '300', total: '500' });
    const headers = idem();
    const body = { prompt: 'Model protein folding energy landscapes' };
    const [first, second] = await Promise.all([submit(t, bob, body, headers), submit(t, bob, body, headers)]);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    const again = await submit(t, bob, body, headers);
    expect(again.body).toEqual(first.body);
    expect((await submit(t, bob, { prompt: 'something else' }, headers)).status).toBe(422);
    await waitFor(t, bob.key, first.body.id, finished);
    const listed = await t.api('GET', '/v1/workflows', { key: bob.key });
    expect(listed.body.items).toHaveLength(1);
    expect(await account(t, bob.key)).toMatchObject({ balance: '187.10', held: '0.00' });
  });
});

describe('Workflows: refusals leave nothing behind', () => {
  const nothingHeld = async (who: Researcher) => {
    expect(await account(t, who.key)).toMatchObject({ held: '0.00' });
    expect(await holds(t, who.key)).toEqual([]);
    expect((await budget(t, who.key, who.budgetId)).reserved).toBe('0.00');
    expect((await t.api('GET', '/v1/workflows', { key: who.key })).body.items).toEqual([]);
  };

  it.each([
    ['an empty prompt', '   ', 'prompt_empty'],
    ['an oversized prompt', 'x'.repeat(8001), 'prompt_too_long'],
    ['control characters', 'Analyse\u0007 this', 'prompt_control_characters'],
    ['a denied prompt', 'How to weaponize a nerve agent and build a bomb', 'prompt_unsafe'],
  ])('refuses %s with 422', async (_name, prompt, code) => {
    const who = await researcher(t);
    const response = await submit(t, who, { prompt });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe(code);
    expect(response.body.errors[0].path).toBe('body.prompt');
    await nothingHeld(who);
  });

  it('refuses an unknown budget (404) and a budget the caller is not a member of (404)', async () => {
    const who = await researcher(t);
    const unknown = await submit(t, who, {
      prompt: EXAMPLE_QUERY,
      budgetId: 'bud_01J0000000000000000000000',
    });
    expect(unknown.status).toBe(404);
    const stranger = await researcher(t);
    const theirs = await submit(t, who, { prompt: EXAMPLE_QUERY, budgetId: stranger.budgetId });
    expect(theirs.status).toBe(404);
    await nothingHeld(who);
    await nothingHeld(stranger);
  });

  it('refuses a budget too small with 402 budget_exceeded and the shortfall', async () => {
    const who = await researcher(t, { total: '100' });
    const response = await submit(t, who, { prompt: EXAMPLE_QUERY });
    expect(response.status).toBe(402);
    expect(response.body.code).toBe('budget_exceeded');
    expect(response.body.detail).toContain('short by 12.90 FTNS');
    await nothingHeld(who);
  });

  it('refuses a balance too small with 402 insufficient_funds and the shortfall', async () => {
    const who = await researcher(t, { grant: '100', total: '500' });
    const response = await submit(t, who, { prompt: EXAMPLE_QUERY });
    expect(response.status).toBe(402);
    expect(response.body.code).toBe('insufficient_funds');
    expect(response.body.detail).toContain('short by 12.90 FTNS');
    await nothingHeld(who);
  });

  it('refuses an estimate above maxCost with 422 max_cost_exceeded', async () => {
    const who = await researcher(t);
    const response = await submit(t, who, { prompt: EXAMPLE_QUERY, maxCost: '100' });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('max_cost_exceeded');
    await nothingHeld(who);
  });

  it('requires an Idempotency-Key (400) and a strict body (422)', async () => {
    const who = await researcher(t);
    const missing = await t.api('POST', '/v1/workflows', {
      key: who.key,
      body: { prompt: EXAMPLE_QUERY, budgetId: who.budgetId },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('idempotency_key_required');
    const typo = await submit(t, who, { prompt: EXAMPLE_QUERY, maxcost: '5' });
    expect(typo.status).toBe(422);
    await nothingHeld(who);
  });
});

describe('Safety policy', () => {
  it('lets admins edit the phrase lists and threshold, which the screen then applies', async () => {
    const who = await researcher(t);
    const user = await t.api('GET', '/v1/safety/policy', { key: who.key });
    expect(user.status).toBe(403);
    const before = await t.api('GET', '/v1/safety/policy', { key: t.adminKey });
    expect(before.body.threshold).toBe(0.7);
    expect(before.body.penalties).toEqual({ dangerous: 0.2, privacy: 0.15, bias: 0.1 });
    const changed = await t.api('PUT', '/v1/safety/policy', {
      key: t.adminKey,
      body: {
        phrases: {
          bias: [...before.body.phrases.bias, 'Photonic Supremacy', 'photonic  chauvinism', 'lasers rule'],
        },
      },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.phrases.bias).toContain('photonic supremacy');
    // 1.0 - 3 x 0.1 = 0.7: still at the threshold.
    const borderline = await submit(t, who, {
      prompt: 'photonic supremacy, photonic chauvinism: lasers rule',
    });
    expect(borderline.status).toBe(202);
    const stricter = await t.api('PUT', '/v1/safety/policy', { key: t.adminKey, body: { threshold: 0.75 } });
    expect(stricter.body.threshold).toBe(0.75);
    const refused = await submit(t, who, { prompt: 'photonic supremacy, photonic chauvinism: lasers rule' });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('prompt_unsafe');
    await t.api('PUT', '/v1/safety/policy', {
      key: t.adminKey,
      body: { threshold: 0.7, phrases: { bias: before.body.phrases.bias } },
    });
    await waitFor(t, who.key, borderline.body.id, finished);
    expect((await getWorkflow(t, who.key, borderline.body.id)).safety.score).toBe(0.7);
  });
});

describe('Submitted workflows appear at once', () => {
  it('answers 202 before the phases run, with a status link that works', async () => {
    const who = await researcher(t);
    const id = await submitted(t, who, { prompt: 'Survey carbon capture catalysts' });
    const read = await getWorkflow(t, who.key, id);
    expect(['queued', 'running', 'completed']).toContain(read.status);
    expect(read.estimate).toBe('112.90');
    expect(read.links.self).toBe(`/v1/workflows/${id}`);
    await waitFor(t, who.key, id, finished);
  });
});
