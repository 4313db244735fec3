import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AppError, PaymentRequiredError } from '#platform/errors.js';
import { newId } from '#platform/ids.js';
import { logger } from '#platform/logger.js';
import type { Micro } from '#platform/money.js';
import { unmarshallItem } from '#platform/table.js';
import type { TransactItem } from '#platform/transaction.js';
import { recordActualCosts } from '#shared/budgets/cost-history.js';
import { BudgetClosedError, BudgetNotFoundError, BudgetSuspendedError } from '#shared/budgets/errors.js';
import { HoldNotActiveError } from '#shared/ledger/errors.js';
import { offerPhase } from '#shared/network/offers.js';
import type { ModelPriceList } from '#shared/prices/model-prices.js';
import { PHASES, type PhaseDefinition } from '#shared/prices/phases.js';
import { getPrices, type PriceList } from '#shared/prices/price-list.js';
import { artifactKey, putArtifact, readArtifact } from './artifacts.js';
import { type CaptureExtras, capturePhase, chargeExcess } from './capture.js';
import { carriedArtifact, carryArtifact } from './carried.js';
import { WorkflowChangedError } from './errors.js';
import { PHASE_INPUTS } from './executors/builtin.js';
import type { ArtifactDocument, PhaseContext, PhaseOutput, StoredArtifact } from './executors/executor.js';
import { chargeFailedPhase } from './failed-phase.js';
import { buyWorkflowListings, listingContext } from './listings.js';
import { PhaseFailure } from './research/failure.js';
import { type Metered, spentOf } from './research/meter.js';
import { getSafetyPolicy, type SafetyPolicy } from './safety.js';
import { publishWorkflowEvent, stopWorkflow } from './settle.js';
import { billOf, spentJson } from './spent.js';
import { type PhaseOutcome, type PhaseReport, stepTimer } from './timings.js';
import {
  type ArtifactRef,
  activeIndexKey,
  auditJson,
  type ComponentCharge,
  isActive,
  isLastPhase,
  phaseById,
  phaseResultJson,
  responseJson,
  type Workflow,
  type WorkflowResponse,
  workflowKey,
  workflowOf,
} from './workflow.js';
import type { WorkflowDeps } from './workflow-deps.js';
import { findWorkflow } from './workflows.js';

/**
 * One delivery of a phase message. The workflow item's phase states decide what a delivery may
 * do, so any number of deliveries, in any order, charge each phase once:
 *
 * 1. start: `queued|running -> running`, conditioned on the workflow still running (and not
 *    cancelled before the phase began); a phase already completed makes this a redelivery;
 * 2. work: the executor, its artifact written to S3 (first write wins);
 * 3. pay: the hold captured into the budget in one transaction with the phase's record and,
 *    unless this is the last phase or a cancel came in, the next phase marked `queued`;
 * 4. only then send the next phase's message. The SQS message is acknowledged after that.
 */
export interface PhaseRun {
  workflowId: string;
  phase: string;
  /** SQS's ApproximateReceiveCount: 1 on the first delivery. */
  attempt: number;
  /** Fires before the function's time is up (the Lambda's remaining time, less a margin). */
  signal?: AbortSignal;
}

const ANSWER_CHARS = 4000;
/** A model workflow's report: kept whole in the item (well within DynamoDB's 400 KB). */
const REPORT_CHARS = 60_000;

const DEMO_NOTICE = 'Deterministic demonstration (builtin-demo): no model was asked; this is not research.';

type Timer = ReturnType<typeof stepTimer>;

export async function runPhase(deps: WorkflowDeps, run: PhaseRun): Promise<PhaseReport> {
  const timer = stepTimer();
  const phase = phaseById(run.phase);
  const report = (outcome: PhaseOutcome): PhaseReport => ({
    workflowId: run.workflowId,
    phase: run.phase,
    attempt: run.attempt,
    outcome,
    totalMs: timer.total(),
    steps: timer.steps,
  });

  const inputs = phaseInputs(deps, run.workflowId, phase);
  const started = await startPhase(deps, run.workflowId, phase);
  if (started.kind === 'refused') {
    timer.step('start');
    return report(await notStarted(deps, started.workflow, phase));
  }
  const { workflow, item } = started;
  // A provider node does the work: the phase waits for a lease's result (shared/network/).
  if (workflow.executor === 'network') {
    timer.step('start');
    await offerPhase(deps, workflow, phase);
    return report('offered');
  }
  const snapshot = workflow.snapshot ?? null;
  let work: PhaseWork | undefined;

  try {
    inputs.use(workflow, item);
    // The prices the workflow was quoted under (`snapshot.ts`); read only for a workflow without them.
    const [prices] = await Promise.all([snapshot?.prices ?? getPrices(deps.table), inputs.load()]);
    timer.step('start');
    work = await doWork(deps, workflow, phase, run, prices, inputs, timer);
    return report(await pay(deps, workflow, phase, work, timer));
  } catch (error) {
    // What this attempt's model calls used is kept with the phase, to be billed with it. Once the
    // work finished, its bill already counts the earlier attempts: keep only this attempt's usage.
    const spent = spentOf(error) ?? work?.attemptMetered;
    await recordAttemptError(deps, workflow.id, phase, error, spent);
    if (error instanceof PhaseFailure) {
      // No delivery would do better: stop now, paying for the phases that completed and for what
      // this phase's model calls used.
      const state = workflow.phases[phase.number - 1]!;
      await chargeFailedPhase(deps, workflow, phase, billOf(state.spent, state.estimate, spent));
      await stopWorkflow(deps, workflow.id, {
        status: 'failed',
        failure: { code: error.code, message: error.message, phase: phase.id },
        whilePhaseUnfinished: phase.id,
      });
      return report('stopped');
    }
    throw error;
  }
}

type Started =
  | { kind: 'started'; workflow: Workflow; item: Record<string, unknown> }
  | { kind: 'refused'; workflow: Workflow | undefined };

async function startPhase(deps: WorkflowDeps, workflowId: string, phase: PhaseDefinition): Promise<Started> {
  const now = deps.clock.now().toISOString();
  const first = phase.number === 1;
  try {
    const { Attributes } = await deps.table.doc.send(
      new UpdateCommand({
        TableName: deps.table.name,
        Key: workflowKey(workflowId),
        // Kept short (the local AWS parses every expression anew): only phase 1 moves the workflow
        // from queued to running. A phase's startedAt is its latest attempt's, as is its duration.
        UpdateExpression: `SET ${
          first ? '#status = :running, startedAt = if_not_exists(startedAt, :now), ' : ''
        }phases.#p.#status = :running, phases.#p.startedAt = :now, phases.#p.attempts = phases.#p.attempts + :one`,
        // A cancel stops a phase that has not begun; one already running (a redelivery) finishes.
        ConditionExpression: `${first ? '#status IN (:queued, :running)' : '#status = :running'} AND phases.#p.#status IN (:queued, :running) AND (attribute_not_exists(cancelRequested) OR phases.#p.#status = :running)`,
        ExpressionAttributeNames: { '#status': 'status', '#p': phase.id },
        ExpressionAttributeValues: {
          ':running': 'running',
          ':queued': 'queued',
          ':now': now,
          ':one': 1n,
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { kind: 'started', workflow: workflowOf(Attributes!), item: Attributes! };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    // ReturnValuesOnConditionCheckFailure: the item as it was, in wire format.
    return { kind: 'refused', workflow: error.Item ? workflowOf(unmarshallItem(error.Item)) : undefined };
  }
}

/** Why the phase did not start, and what that delivery should still do. */
async function notStarted(
  deps: WorkflowDeps,
  workflow: Workflow | undefined,
  phase: PhaseDefinition,
): Promise<PhaseOutcome> {
  if (!workflow) {
    logger.warn('phase message for an unknown workflow', { phase: phase.id });
    return 'stale';
  }
  const state = workflow.phases[phase.number - 1]!;
  if (!isActive(workflow)) {
    // The completion event is published at least once: again on a redelivered last phase.
    if (workflow.status === 'completed' && isLastPhase(phase)) await publishWorkflowEvent(deps, workflow);
    return state.status === 'completed' ? 'duplicate' : 'stale';
  }
  if (state.status === 'completed') {
    const next = PHASES[phase.number];
    const nextState = next ? workflow.phases[next.number - 1] : undefined;
    // This phase paid and queued the next; its message may have been lost in a crash before the
    // send, so send it (again). A copy the next phase has already started on is not needed.
    if (next && nextState?.status === 'queued') {
      await deps.sendPhase({ workflowId: workflow.id, phase: next.id });
      return 'duplicate';
    }
    // Paid without queueing the next because a cancel came in, then stopped before settling.
    if (workflow.cancelRequested && nextState?.status === 'pending') {
      await stopWorkflow(deps, workflow.id, { status: 'cancelled' });
      return 'stopped';
    }
    return 'duplicate';
  }
  if (state.status === 'queued' && workflow.cancelRequested) {
    await stopWorkflow(deps, workflow.id, { status: 'cancelled' });
    return 'stopped';
  }
  // `pending`: a copy of a message for a phase the workflow has not reached (only duplicates
  // can be early: the real one is sent after the previous phase's commit). It will come again.
  logger.warn('phase message ahead of its workflow', { workflowId: workflow.id, phase: phase.id });
  return 'stale';
}

/**
 * The artifacts the phase needs and, lazily, the safety policy, once the start returned the item
 * (`use`): the copies it carries (`carried.ts`) and the policy it was submitted under, else the
 * bucket's and the table's.
 */
export function phaseInputs(deps: WorkflowDeps, workflowId: string, phase: PhaseDefinition) {
  const needs = PHASE_INPUTS[phase.id] ?? { artifacts: [], safetyPolicy: true };
  const artifacts = new Map<string, Promise<StoredArtifact>>();
  let policy: Promise<SafetyPolicy> | undefined;
  let stored: { workflow: Workflow; item: Record<string, unknown> } | undefined;
  const artifact = (phaseId: string): Promise<StoredArtifact> => {
    let found = artifacts.get(phaseId);
    if (!found) {
      const ref = stored?.workflow.phases.find((p) => p.id === phaseId)?.artifact ?? null;
      const carried = carriedArtifact(stored?.item, phaseId, ref);
      // Settlement checks the recorded bytes (it recomputes the chain over them): the carried copy
      // or the bucket's; the others may also use the container's copy, which security still checks.
      found = (
        carried
          ? Promise.resolve(carried)
          : readArtifact(deps.artifacts, artifactKey(workflowId, phaseId), !isLastPhase(phase))
      ).then((raw) => ({
        raw,
        document: JSON.parse(raw.toString('utf8')) as ArtifactDocument,
      }));
      artifacts.set(phaseId, found);
    }
    return found;
  };
  const safety = () => {
    policy ??= getSafetyPolicy(deps.table);
    return policy;
  };
  return {
    artifact,
    safety,
    use: (workflow: Workflow, item?: Record<string, unknown>) => {
      stored = { workflow, item: item ?? {} };
      const snapshot = workflow.snapshot;
      if (snapshot?.policy) policy ??= Promise.resolve(snapshot.policy);
      else if (needs.safetyPolicy) void safety().catch(() => undefined);
    },
    load: async (): Promise<void> => {
      await Promise.all(needs.artifacts.map(artifact));
    },
  };
}

export type Inputs = ReturnType<typeof phaseInputs>;

export interface PhaseWork {
  components: ComponentCharge[];
  cost: Micro;
  /** `metered` is the whole bill of a model phase: the earlier attempts' usage and this one's. */
  output: PhaseOutput;
  /** This attempt's own usage, should the payment fail. */
  attemptMetered?: Metered;
  executor: string;
  artifact: ArtifactRef;
  /** The artifact's text, carried in the item when small. */
  artifactBody: string;
  startedAtMs: number;
  executorMs: number;
}

/** The context an executor gets for a phase: the same on the platform and, sent as a lease, on a provider node. */
export function phaseContextOf(
  workflow: Workflow,
  phase: PhaseDefinition,
  prices: { components: PriceList; models: ModelPriceList },
  inputs: Inputs,
  executorName: string,
  run: { attempt: number; signal?: AbortSignal },
  listingContext = '',
): PhaseContext {
  return {
    ...(listingContext ? { listingContext } : {}),
    workflowId: workflow.id,
    phase,
    prompt: workflow.prompt,
    preferences: workflow.preferences,
    earlier: workflow.phases.slice(0, phase.number - 1),
    artifact: inputs.artifact,
    safety: inputs.safety,
    audit: workflow.audit,
    cost: componentChargesOf(phase, prices.components).cost,
    hold: workflow.phases[phase.number - 1]!.estimate,
    modelPrices: prices.models,
    executorName,
    attempt: run.attempt,
    ...(run.signal ? { signal: run.signal } : {}),
  };
}

export function componentChargesOf(phase: PhaseDefinition, components: PriceList) {
  const charges = phase.components.map((name) => ({ name, price: components[name] ?? 0n }));
  return { charges, cost: charges.reduce((sum, component) => sum + component.price, 0n) };
}

async function doWork(
  deps: WorkflowDeps,
  workflow: Workflow,
  phase: PhaseDefinition,
  run: PhaseRun,
  prices: { components: PriceList; models: ModelPriceList },
  inputs: Inputs,
  timer: Timer,
): Promise<PhaseWork> {
  const startedAtMs = performance.now() - timer.total();
  const phaseExecutor = deps.executors.of(workflow.executor);
  const listingContext = phase.id === 'teacher' ? await teacherListings(deps, workflow) : '';
  const context = phaseContextOf(workflow, phase, prices, inputs, phaseExecutor.name, run, listingContext);
  const executed = await phaseExecutor.execute(context);
  const executorMs = timer.step('executor');
  const state = workflow.phases[phase.number - 1]!;
  const output: PhaseOutput = executed.metered
    ? { ...executed, metered: billOf(state.spent, state.estimate, executed.metered) }
    : executed;
  const work = await storeWork(deps, workflow, phase, output, prices.components, {
    executor: output.executor ?? phaseExecutor.name,
    startedAtMs,
    executorMs,
  });
  timer.step('artifact');
  return { ...work, ...(executed.metered ? { attemptMetered: executed.metered } : {}) };
}

/** A phase's output as its artifact in S3, with what it costs. */
export async function storeWork(
  deps: WorkflowDeps,
  workflow: Workflow,
  phase: PhaseDefinition,
  output: PhaseOutput,
  prices: PriceList,
  run: { executor: string; startedAtMs: number; executorMs: number },
): Promise<PhaseWork> {
  const componentCharges = componentChargesOf(phase, prices);
  // A model phase is charged its measured usage; the others their components' prices.
  const components = output.metered ? [] : componentCharges.charges;
  const cost = output.metered ? output.metered.cost : componentCharges.cost;
  const document: ArtifactDocument = {
    workflowId: workflow.id,
    phase: { number: phase.number, id: phase.id, name: phase.name, category: phase.category },
    components: phase.components,
    executor: run.executor,
    summary: output.summary,
    data: output.data,
  };
  const artifactBody = `${JSON.stringify(document, null, 2)}\n`;
  const stored = await putArtifact(deps.artifacts, workflow.id, phase.id, artifactBody);
  return { components, cost, output, artifact: stored, artifactBody, ...run };
}

/**
 * The listings the workflow named, the pay-per-use ones bought first (once per workflow). A
 * refusal (no room, no funds, a listing withdrawn since submission) stops the workflow.
 */
async function teacherListings(deps: WorkflowDeps, workflow: Workflow): Promise<string> {
  if (workflow.listings.length === 0) return '';
  try {
    await buyWorkflowListings(deps, workflow);
  } catch (error) {
    if (error instanceof AppError && error.status < 500) throw new PhaseFailure(error.code, error.message);
    throw error;
  }
  return listingContext(deps, workflow);
}

/** Errors that stop the workflow rather than retry the phase: the money is not there. */
const isRefusal = (error: unknown): error is AppError =>
  error instanceof PaymentRequiredError ||
  error instanceof BudgetSuspendedError ||
  error instanceof BudgetClosedError ||
  error instanceof BudgetNotFoundError;

/** Pays a phase whose work was done elsewhere (a provider node's lease): capture, record, next phase. */
export const payPhase = (
  deps: WorkflowDeps,
  workflow: Workflow,
  phase: PhaseDefinition,
  work: PhaseWork,
  extras: CaptureExtras,
): Promise<PhaseOutcome> => pay(deps, workflow, phase, work, stepTimer(), extras);

async function pay(
  deps: WorkflowDeps,
  loaded: Workflow,
  phase: PhaseDefinition,
  work: PhaseWork,
  timer: Timer,
  extras: CaptureExtras = {},
): Promise<PhaseOutcome> {
  let workflow = loaded;
  const last = isLastPhase(phase);
  for (let attempt = 1; attempt <= 3; attempt++) {
    const state = workflow.phases[phase.number - 1]!;
    const advance = !last && !workflow.cancelRequested;
    try {
      if (work.cost > state.estimate && state.extraCharge === null) {
        const excess = work.cost - state.estimate;
        await chargeExcess(deps, workflow, phase, excess, (now) =>
          excessLeg(deps, workflow, phase, excess, now),
        );
        state.extraCharge = excess;
      }
      // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min does not take
      const captured = work.cost < state.estimate ? work.cost : state.estimate;
      await capturePhase(
        deps,
        workflow,
        phase,
        captured,
        (now) => completionLeg(deps, workflow, phase, work, { advance, now }),
        extras,
      );
      timer.step('capture');
      break;
    } catch (error) {
      timer.step('capture');
      if (isRefusal(error)) {
        await stopWorkflow(deps, workflow.id, {
          status: 'failed',
          failure: { code: error.code, message: error.message, phase: phase.id },
          whilePhaseUnfinished: phase.id,
        });
        return 'stopped';
      }
      if (!(error instanceof HoldNotActiveError || error instanceof WorkflowChangedError)) throw error;
      // Another delivery got there first, the workflow stopped, or a cancel came in: look again.
      const current = await findWorkflow(deps.table, workflow.id);
      if (!current || !isActive(current)) return 'stale';
      workflow = current;
      const now = workflow.phases[phase.number - 1]!;
      // Lost a race with a copy of this message: that copy committed and sends the next phase.
      if (now.status === 'completed') return 'duplicate';
      // Still ours to pay: a cancel came in, or a copy charged the excess first. Again, as it is now.
      if (now.status === 'running' && attempt < 3) continue;
      throw error;
    }
  }
  await afterPayment(deps, workflow, phase, work, last);
  timer.step('next');
  return 'completed';
}

async function afterPayment(
  deps: WorkflowDeps,
  workflow: Workflow,
  phase: PhaseDefinition,
  work: PhaseWork,
  last: boolean,
): Promise<void> {
  // Statistics for estimates: best effort and at most once (only the delivery that paid the last
  // phase records), one request per workflow. Only the price-list phases: a model phase's hold is
  // its worst case, not an estimate to correct. A workflow that stops early records no samples.
  const history = last
    ? recordActualCosts(deps.table, costSamples(workflow, phase, work)).catch((error: unknown) =>
        logger.warn('cost history not recorded', { error: String(error) }),
      )
    : Promise.resolve();
  if (last) {
    const now = deps.clock.now().toISOString();
    await publishWorkflowEvent(deps, {
      ...workflow,
      status: 'completed',
      totalCost: workflow.phases.reduce((sum, p) => sum + (p.cost ?? 0n), 0n) + work.cost,
      finishedAt: workflow.finishedAt ?? now,
      updatedAt: now,
    });
  } else if (!workflow.cancelRequested) {
    await deps.sendPhase({ workflowId: workflow.id, phase: PHASES[phase.number]!.id });
  } else {
    // Cancelled while this phase ran: it finished and paid; the rest is released.
    await stopWorkflow(deps, workflow.id, { status: 'cancelled' });
  }
  await history;
}

/** What each price-list phase was estimated at and cost (a model phase recorded usage instead). */
function costSamples(workflow: Workflow, last: PhaseDefinition, work: PhaseWork) {
  const earlier = workflow.phases.slice(0, last.number - 1).filter((p) => p.usage === null);
  return [
    ...earlier.map((p) => ({
      category: PHASES[p.number - 1]!.category,
      estimated: p.estimate,
      actual: p.cost ?? 0n,
    })),
    ...(work.output.metered
      ? []
      : [
          {
            category: last.category,
            estimated: workflow.phases[last.number - 1]!.estimate,
            actual: work.cost,
          },
        ]),
  ];
}

/** The phase's completion in the workflow item: a leg of the capture transaction. */
function completionLeg(
  deps: WorkflowDeps,
  workflow: Workflow,
  phase: PhaseDefinition,
  work: PhaseWork,
  options: { advance: boolean; now: Date },
): TransactItem {
  const now = options.now.toISOString();
  const last = isLastPhase(phase);
  const durationMs = Math.round(performance.now() - work.startedAtMs);
  const sets = [
    'phases.#p.#status = :completed',
    'phases.#p.#result = :result',
    'totalCost = totalCost + :cost',
    'updatedAt = :now',
  ];
  const values: Record<string, unknown> = {
    ':completed': 'completed',
    ':running': 'running',
    ':cost': work.cost,
    ':now': now,
    ':result': phaseResultJson({
      cost: work.cost,
      components: work.components,
      finishedAt: now,
      durationMs,
      executorMs: Math.round(work.executorMs * 100) / 100,
      artifact: work.artifact,
      executor: work.executor,
      summary: work.output.summary,
      ...(work.output.metered ? { usage: work.output.metered.usage } : {}),
    }),
  };
  const names: Record<string, string> = {
    '#status': 'status',
    '#p': phase.id,
    '#error': 'error',
    '#result': 'result',
  };
  const carry = carryArtifact(phase, work.artifactBody, work.artifact);
  if (carry) {
    sets.push(carry.set);
    Object.assign(names, carry.names);
    Object.assign(values, carry.values);
  }
  if (work.output.audit) {
    sets.push('audit = :audit');
    values[':audit'] = auditJson(work.output.audit);
  }
  let remove = 'REMOVE phases.#p.#error';
  if (options.advance) {
    sets.push('phases.#next.#status = :queued', 'gsi2sk = :active');
    names['#next'] = PHASES[phase.number]!.id;
    values[':queued'] = 'queued';
    values[':active'] = activeIndexKey(now, workflow.id);
  } else if (last) {
    const response = composeResponse(workflow, phase, work, options.now);
    sets.push('#status = :done', 'finishedAt = :now', 'settledAt = :now', '#response = :response');
    names['#response'] = 'response';
    values[':done'] = 'completed';
    values[':response'] = responseJson(response);
    remove += ', gsi2pk, gsi2sk';
  }
  return {
    Update: {
      TableName: deps.table.name,
      Key: workflowKey(workflow.id),
      UpdateExpression: `SET ${sets.join(', ')} ${remove}`,
      // Once per phase, while the workflow runs; a cancel that came in since the read must be seen.
      ConditionExpression: `#status = :running AND phases.#p.#status = :running${
        options.advance ? ' AND attribute_not_exists(cancelRequested)' : ''
      }`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

function excessLeg(
  deps: WorkflowDeps,
  workflow: Workflow,
  phase: PhaseDefinition,
  excess: Micro,
  now: Date,
): TransactItem {
  return {
    Update: {
      TableName: deps.table.name,
      Key: workflowKey(workflow.id),
      UpdateExpression: 'SET phases.#p.extraCharge = :excess, updatedAt = :now',
      ConditionExpression:
        '#status = :running AND phases.#p.#status = :running AND attribute_not_exists(phases.#p.extraCharge)',
      ExpressionAttributeNames: { '#status': 'status', '#p': phase.id },
      ExpressionAttributeValues: { ':excess': excess, ':now': now.toISOString(), ':running': 'running' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** The original's response shape, from what every phase recorded. */
function composeResponse(
  workflow: Workflow,
  phase: PhaseDefinition,
  work: PhaseWork,
  finishedAt: Date,
): WorkflowResponse {
  const earlier = workflow.phases.slice(0, phase.number - 1);
  const totalCost = earlier.reduce((sum, p) => sum + (p.cost ?? 0n), 0n) + work.cost;
  const audit = work.output.audit ?? workflow.audit;
  const safetyValidated = Boolean(audit?.verified && audit.passed);
  const demo = workflow.executor === 'builtin';
  const lines = [
    ...(demo ? [DEMO_NOTICE, ''] : []),
    `Research query: ${workflow.prompt.trim()}`,
    '',
    ...earlier.map((p) => `${PHASES[p.number - 1]!.name}: ${p.summary ?? ''}`),
    `${phase.name}: ${work.output.summary}`,
  ];
  const text = work.output.report ?? lines.join('\n');
  const limit = work.output.report ? REPORT_CHARS : ANSWER_CHARS;
  return {
    executor: demo ? 'builtin-demo' : workflow.executor === 'network' ? 'network' : work.executor,
    responseText: text.length > limit ? `${text.slice(0, limit - 1)}…` : text,
    totalCost,
    executionTimeMs: finishedAt.getTime() - Date.parse(workflow.createdAt),
    componentsUsed: [...earlier.flatMap((p) => p.components.map((c) => c.name)), ...phase.components],
    safetyValidated,
  };
}

/** The error of a failed attempt, for the phase's record and the dead-letter consumer (best effort). */
async function recordAttemptError(
  deps: WorkflowDeps,
  workflowId: string,
  phase: PhaseDefinition,
  error: unknown,
  spent: Metered | undefined,
): Promise<void> {
  const message = String((error as Error).message ?? error).slice(0, 500);
  const values: Record<string, unknown> = { ':error': message, ':running': 'running' };
  let update = 'SET phases.#p.#error = :error';
  let condition = 'phases.#p.#status = :running';
  if (spent) {
    // Appended once per delivery (its id in a set, checked): a retried request adds nothing.
    const delivery = newId('run');
    update +=
      ', phases.#p.spent = list_append(if_not_exists(phases.#p.spent, :none), :spent) ADD phases.#p.spentBy :delivery';
    condition += ' AND NOT contains(phases.#p.spentBy, :deliveryId)';
    Object.assign(values, {
      ':none': [],
      ':spent': [spentJson(spent)],
      ':delivery': new Set([delivery]),
      ':deliveryId': delivery,
    });
  }
  try {
    await deps.table.doc.send(
      new UpdateCommand({
        TableName: deps.table.name,
        Key: workflowKey(workflowId),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#p': phase.id, '#status': 'status', '#error': 'error' },
        ExpressionAttributeValues: values,
      }),
    );
  } catch (recordError) {
    logger.warn('phase error not recorded', { error: String(recordError) });
  }
}
