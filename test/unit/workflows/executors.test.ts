import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, PHASES } from '#shared/prices/phases.js';
import { phaseCost } from '#shared/prices/price-list.js';
import { builtinExecutor } from '#shared/workflows/executors/builtin.js';
import type { ArtifactDocument, PhaseContext, PhaseExecutor } from '#shared/workflows/executors/executor.js';
import { hooksIn, InjectedFailure, withTestHooks } from '#shared/workflows/executors/test-hooks.js';
import { DEFAULT_POLICY } from '#shared/workflows/safety.js';
import { type AuditTrail, type PhaseState, sha256Hex } from '#shared/workflows/workflow.js';

const QUERY = 'Analyze quantum field interactions for advanced photonic system development';

/** Runs the seven phases the way the runner does, with artifacts in a map instead of S3. */
async function pipeline(executor: PhaseExecutor, tamper?: (store: Map<string, Buffer>) => void) {
  const store = new Map<string, Buffer>();
  const earlier: PhaseState[] = [];
  let audit: AuditTrail | null = null;
  for (const phase of PHASES) {
    if (phase.id === 'settlement') tamper?.(store);
    const cost = phaseCost(phase, DEFAULT_PRICES);
    const context: PhaseContext = {
      workflowId: 'wf_test',
      phase,
      prompt: QUERY,
      preferences: { level: 'expert' },
      earlier: [...earlier],
      artifact: async (id) => {
        const raw = store.get(id)!;
        return { raw, document: JSON.parse(raw.toString('utf8')) as ArtifactDocument };
      },
      safety: async () => DEFAULT_POLICY,
      audit,
      cost,
      hold: cost,
      modelPrices: {},
      executorName: executor.name,
      attempt: 1,
    };
    const output = await executor.execute(context);
    const document: ArtifactDocument = {
      workflowId: 'wf_test',
      phase: { number: phase.number, id: phase.id, name: phase.name, category: phase.category },
      components: phase.components,
      executor: output.executor ?? executor.name,
      summary: output.summary,
      data: output.data,
    };
    const raw = Buffer.from(`${JSON.stringify(document, null, 2)}\n`);
    store.set(phase.id, raw);
    audit = output.audit ?? audit;
    earlier.push({
      id: phase.id,
      number: phase.number,
      status: 'completed',
      holdId: `hold_${phase.number}`,
      estimate: cost,
      cost,
      extraCharge: null,
      components: phase.components.map((name) => ({ name, price: DEFAULT_PRICES[name]! })),
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      executorMs: null,
      attempts: 1,
      executor: document.executor,
      summary: output.summary,
      artifact: { key: `workflows/wf_test/${phase.id}.json`, sha256: sha256Hex(raw), bytes: raw.length },
      usage: null,
      error: null,
      spent: [],
    });
  }
  const data = (id: string) => (JSON.parse(store.get(id)!.toString('utf8')) as ArtifactDocument).data;
  return { store, earlier, audit: audit!, data };
}

describe('Built-in executors', () => {
  it('produce a structured artifact per phase, each building on the ones before', async () => {
    const { data, earlier } = await pipeline(builtinExecutor);
    const keywords = (data('teacher').keywords as { term: string }[]).map((k) => k.term);
    expect(keywords).toEqual(expect.arrayContaining(['quantum', 'photonic', 'field', 'interactions']));
    expect((data('teacher').domains as { domain: string }[])[0]!.domain).toBe('physics');
    expect(String(data('prompter').optimizedPrompt)).toContain(`Objective: ${QUERY}`);
    expect(String(data('prompter').optimizedPrompt)).toContain('level: expert');
    const code = (data('codegen').files as { content: string }[])[0]!.content;
    expect(code).toContain('def simulate(params: Parameters');
    expect(code).toContain('    quantum: float = 1.0');
    expect(data('student').level).toBe('expert');
    expect((data('student').assessments as { exercise: string }[])[0]!.exercise).toContain("sweep('");
    expect((data('security').checks as { passed: boolean }[]).map((c) => c.passed)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(data('multi_agent').waves).toEqual([['agent-1'], ['agent-2', 'agent-3', 'agent-4'], ['agent-5']]);
    expect(data('settlement').costs).toMatchObject({ total: '112.90', components: 15 });
    expect(earlier.every((p) => p.summary && p.summary.length <= 400)).toBe(true);
  });

  it('are deterministic: the same inputs give the same bytes', async () => {
    const first = await pipeline(builtinExecutor);
    const second = await pipeline(builtinExecutor);
    for (const phase of PHASES)
      expect(second.store.get(phase.id)!.equals(first.store.get(phase.id)!)).toBe(true);
    expect(second.audit.head).toBe(first.audit.head);
  });

  it('chain six artifacts, verified and passed, in the last phase', async () => {
    const { audit } = await pipeline(builtinExecutor);
    expect(audit.entries.map((e) => e.phase)).toEqual(PHASES.slice(0, 6).map((p) => p.id));
    expect(audit).toMatchObject({ verified: true, passed: true });
  });

  it('catch an artifact changed after the security phase chained it', async () => {
    const { audit, data } = await pipeline(builtinExecutor, (store) => {
      store.set('codegen', Buffer.from(store.get('codegen')!.toString().replace('simulate', 'simul8')));
    });
    expect(audit.verified).toBe(false);
    expect((data('settlement').audit as { verified: boolean }).verified).toBe(false);
  });
});

describe('Test hooks', () => {
  it('reads the markers and fails, fails once or pauses only the named phase', async () => {
    expect(hooksIn('x [[fail:codegen]] [[pause:teacher:250]] [[fail-once:student]]')).toEqual([
      { kind: 'fail', phase: 'codegen', ms: 0 },
      { kind: 'pause', phase: 'teacher', ms: 250 },
      { kind: 'fail-once', phase: 'student', ms: 0 },
    ]);
    const slept: number[] = [];
    const stub: PhaseExecutor = { name: 'stub', execute: async () => ({ summary: 'ran', data: {} }) };
    const hooked = withTestHooks(stub, async (ms) => {
      slept.push(ms);
    });
    const context = (phase: (typeof PHASES)[number], attempt: number) =>
      ({ phase, attempt, prompt: 'q [[fail-once:teacher]] [[pause:teacher:5]]' }) as unknown as PhaseContext;
    await expect(hooked.execute(context(PHASES[0]!, 1))).rejects.toBeInstanceOf(InjectedFailure);
    expect(slept).toEqual([5]);
    expect((await hooked.execute(context(PHASES[0]!, 2))).summary).toBe('ran');
    expect((await hooked.execute(context(PHASES[1]!, 1))).summary).toBe('ran');
    expect(slept).toEqual([5, 5]);
  });
});
