import { chargeFailedPhase } from './failed-phase.js';
import type { PhaseMessage } from './messages.js';
import { stopWorkflow } from './settle.js';
import { billOf } from './spent.js';
import { isActive, phaseById } from './workflow.js';
import type { WorkflowDeps } from './workflow-deps.js';
import { findWorkflow } from './workflows.js';

export type DeadLetterOutcome = 'failed' | 'stale';

/**
 * A phase message that exhausted its receives: the workflow fails at that phase and every hold
 * not yet captured is released. A dead letter for a phase that has since completed (a copy of a
 * message that another copy processed) or not yet begun is stale and changes nothing.
 */
export async function handleDeadLetter(
  deps: WorkflowDeps,
  message: PhaseMessage,
): Promise<DeadLetterOutcome> {
  const workflow = await findWorkflow(deps.table, message.workflowId);
  if (!workflow || !isActive(workflow)) {
    // Already stopped: finish any release a crash interrupted (every step is conditional).
    if (workflow && (workflow.status === 'failed' || workflow.status === 'cancelled')) {
      await stopWorkflow(deps, workflow.id, { status: workflow.status });
    }
    return 'stale';
  }
  const phase = phaseById(message.phase);
  const state = workflow.phases[phase.number - 1]!;
  if (state.status !== 'queued' && state.status !== 'running') return 'stale';
  // What the failed attempts' model calls used is charged from the phase's hold before the stop.
  await chargeFailedPhase(deps, workflow, phase, billOf(state.spent, state.estimate));
  const stopped = await stopWorkflow(deps, workflow.id, {
    status: 'failed',
    failure: {
      code: 'phase_failed',
      message:
        `Phase ${phase.number} (${phase.name}) failed after ${state.attempts} attempt(s)` +
        (state.error ? `: ${state.error}` : ''),
      phase: phase.id,
    },
    whilePhaseUnfinished: phase.id,
  });
  return stopped?.status === 'failed' ? 'failed' : 'stale';
}
