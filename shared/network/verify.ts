import type { ModelPriceList } from '#shared/prices/model-prices.js';
import type { PhaseDefinition } from '#shared/prices/phases.js';
import type { PriceList } from '#shared/prices/price-list.js';
import type { PhaseOutput } from '#shared/workflows/executors/executor.js';
import { screenOutput } from '#shared/workflows/research/checks.js';
import { type Inputs, phaseContextOf } from '#shared/workflows/runner.js';
import type { Workflow } from '#shared/workflows/workflow.js';
import type { WorkflowDeps } from '#shared/workflows/workflow-deps.js';
import { leaseOutputSchema, outputOf } from './lease-context.js';
import type { Offer } from './offer.js';

export type Verdict = { ok: true; output: PhaseOutput } | { ok: false; reason: string };

/** JSON with sorted keys: two outputs are the same when their canonical forms are. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : typeof v === 'bigint'
        ? String(v)
        : v,
  );
}

/**
 * A node's result is accepted only if it matches the output schema, passes the security screen
 * (no injected instructions, no credentials, the safety policy's score), and, for the offers drawn
 * for a cross-check (the audit phases always), equals what the built-in executor makes of the same
 * context. A cross-checked result is recorded as the platform computed it; an unchecked one may
 * not write the audit trail.
 */
export async function verifyResult(
  deps: WorkflowDeps,
  workflow: Workflow,
  phase: PhaseDefinition,
  offer: Offer,
  result: unknown,
  prices: { components: PriceList; models: ModelPriceList },
  inputs: Inputs,
): Promise<Verdict> {
  const parsed = leaseOutputSchema.safeParse(result);
  if (!parsed.success)
    return { ok: false, reason: `schema: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const output = outputOf(parsed.data);
  const policy = await inputs.safety();
  const blocking = screenOutput('result', `${output.summary}\n${JSON.stringify(output.data)}`, policy).find(
    (finding) => finding.blocking,
  );
  if (blocking) return { ok: false, reason: `security screen: ${blocking.kind} ${blocking.name}` };
  if (!offer.verify) {
    const { audit: _audit, ...unaudited } = output;
    return { ok: true, output: unaudited };
  }
  const context = phaseContextOf(workflow, phase, prices, inputs, deps.executors.builtin.name, {
    attempt: 1,
  });
  const expected = await deps.executors.builtin.execute(context);
  const same =
    canonical({ summary: expected.summary, data: expected.data, audit: expected.audit ?? null }) ===
    canonical({ summary: output.summary, data: output.data, audit: output.audit ?? null });
  return same
    ? { ok: true, output: expected }
    : { ok: false, reason: 'cross-check: differs from the built-in executor' };
}
