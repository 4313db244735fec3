import { formatFtns, type Micro } from '#platform/money.js';
import { record } from '#platform/records.js';
import { builtinExecutor, closeAuditTrail } from '../executors/builtin.js';
import { clip, type PhaseContext, type PhaseExecutor, type PhaseOutput } from '../executors/executor.js';
import type { ModelRegistry } from '../models/registry.js';
import type { ProviderId } from '../models/types.js';
import { type OutputFinding, screenOutput } from './checks.js';
import { PhaseFailure } from './failure.js';
import { type Exchange, PhaseMeter, type UsageLine, withSpent } from './meter.js';
import { MODEL_PHASES } from './phases.js';
import { type ReportInput, renderReport } from './report.js';

/**
 * Research on a model provider: five model phases (teacher, prompter, code generation, student,
 * multi-agent) metered against their holds, the security phase screening every model output,
 * and settlement composing the report. Each model phase's artifact keeps the prompts it sent,
 * the raw answers, the parsed result and the usage.
 */
export interface ResearchExecutor extends PhaseExecutor {
  readonly provider: ProviderId;
  readonly registry: ModelRegistry;
}

const MODEL_ARTIFACTS = ['teacher', 'prompter', 'codegen', 'student'];

async function modelPhase(registry: ModelRegistry, provider: ProviderId, context: PhaseContext) {
  const meter = new PhaseMeter(
    context.phase.id,
    context.hold,
    registry.settings,
    context.modelPrices,
    (model) => registry.forModel(model),
    context.signal,
  );
  let done: Awaited<ReturnType<(typeof MODEL_PHASES)[string]>>;
  try {
    done = await MODEL_PHASES[context.phase.id]!(context, meter);
  } catch (error) {
    // The tokens of the calls made so far are billed even though the phase failed.
    throw withSpent(error, meter.metered());
  }
  const { summary, result } = done;
  const metered = meter.metered();
  return {
    executor: provider,
    summary,
    data: { executor: provider, result, usage: metered.usage, exchanges: meter.exchanges },
    metered,
  } satisfies PhaseOutput;
}

/** Every model answer an artifact recorded, screened; and the code scan's findings reported. */
async function security(context: PhaseContext): Promise<PhaseOutput> {
  const audited = await builtinExecutor.execute(context);
  const policy = await context.safety();
  const findings: OutputFinding[] = [];
  for (const phaseId of MODEL_ARTIFACTS) {
    const exchanges = ((await context.artifact(phaseId)).document.data.exchanges ?? []) as Exchange[];
    exchanges.forEach((exchange, i) => {
      if (exchange.content) findings.push(...screenOutput(`${phaseId}#${i + 1}`, exchange.content, policy));
    });
  }
  const code = (await context.artifact('codegen')).document.data.result as { findings?: unknown[] };
  const blocking = findings.filter((f) => f.blocking);
  if (blocking.length > 0) {
    throw new PhaseFailure(
      'output_blocked',
      `the security screen blocked ${blocking.length} model output(s): ${blocking
        .slice(0, 3)
        .map((f) => `${f.kind} (${f.name}) in ${f.source}`)
        .join(', ')}`,
    );
  }
  return {
    ...audited,
    executor: context.executorName,
    summary: clip(`${audited.summary} Model outputs screened: ${findings.length} non-blocking finding(s).`),
    data: { ...audited.data, outputFindings: findings, codeFindings: code.findings ?? [] },
  };
}

async function settlement(context: PhaseContext): Promise<PhaseOutput> {
  const { trail, verified, fresh } = await closeAuditTrail(context);

  const phases: ReportInput['costs'] = [];
  for (const p of context.earlier) {
    const usage = (p.usage ?? []) as UsageLine[];
    phases.push({ phase: p.id, cost: p.cost ?? 0n, usage });
  }
  phases.push({ phase: context.phase.id, cost: context.cost, usage: [] });
  const byModel: Record<string, { inputTokens: number; outputTokens: number; calls: number }> = record();
  for (const line of phases.flatMap((p) => p.usage)) {
    const sum = byModel[line.model] ?? { inputTokens: 0, outputTokens: 0, calls: 0 };
    byModel[line.model] = sum;
    sum.inputTokens += line.inputTokens;
    sum.outputTokens += line.outputTokens;
    sum.calls += 1;
  }
  const total: Micro = phases.reduce((sum, p) => sum + p.cost, 0n);
  const read = async (id: string) =>
    (await context.artifact(id)).document.data.result as Record<string, unknown>;
  const report = renderReport({
    prompt: context.prompt,
    provider: context.executorName,
    teacher: await read('teacher'),
    prompter: await read('prompter'),
    codegen: await read('codegen'),
    student: await read('student'),
    multiAgent: await read('multi_agent'),
    costs: phases,
    byModel,
    total,
    verified,
  });
  return {
    executor: context.executorName,
    summary: clip(
      `Settled ${formatFtns(total)} FTNS over ${phases.length} phases (${Object.keys(byModel).length} models); ` +
        `audit chain of ${trail.entries.length} artifacts ${verified ? 'verified' : 'BROKEN'}.`,
    ),
    data: {
      costs: {
        phases: phases.map((p) => ({ phase: p.phase, cost: formatFtns(p.cost), usage: p.usage })),
        byModel,
        total: formatFtns(total),
      },
      checks: fresh.map((f) => f.check),
      audit: {
        algorithm: 'sha256',
        genesis: trail.genesis,
        entries: trail.entries,
        head: trail.head,
        verified,
      },
      report,
    },
    audit: { ...trail, verified },
    report,
  };
}

export function researchExecutor(registry: ModelRegistry): ResearchExecutor {
  const provider = registry.settings.provider;
  return {
    name: provider,
    provider,
    registry,
    execute(context) {
      if (context.phase.id === 'security') return security(context);
      if (context.phase.id === 'settlement') return settlement(context);
      return modelPhase(registry, provider, context);
    },
  };
}
