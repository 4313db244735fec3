import { logger } from '#platform/logger.js';
import type { PhaseDefinition } from '#shared/prices/phases.js';
import { capturePhase } from './capture.js';
import type { Metered } from './research/meter.js';
import { type Workflow, workflowKey } from './workflow.js';
import type { WorkflowDeps } from './workflow-deps.js';

/**
 * A model phase that fails for good is charged what its calls used (every attempt's, capped at
 * its hold) before the workflow stops: the capture takes that much of its hold, the stop releases
 * the rest with every other uncaptured hold. Once: the hold's `active` condition. Best effort on a
 * refusal (a budget suspended since): the usage is then logged and absorbed, the stop goes on.
 */
export async function chargeFailedPhase(
  deps: WorkflowDeps,
  workflow: Workflow,
  phase: PhaseDefinition,
  bill: Metered,
): Promise<void> {
  if (bill.cost <= 0n) return;
  try {
    await capturePhase(deps, workflow, phase, bill.cost, (now) => ({
      Update: {
        TableName: deps.table.name,
        Key: workflowKey(workflow.id),
        UpdateExpression: 'SET phases.#p.cost = :cost, totalCost = totalCost + :cost, updatedAt = :now',
        ConditionExpression: '#status = :running AND phases.#p.#status IN (:queued, :running)',
        ExpressionAttributeNames: { '#status': 'status', '#p': phase.id },
        ExpressionAttributeValues: {
          ':cost': bill.cost,
          ':now': now.toISOString(),
          ':running': 'running',
          ':queued': 'queued',
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    }));
  } catch (error) {
    // Already charged by another copy, or the workflow stopped meanwhile: nothing more to charge.
    logger.warn('failed phase not charged', {
      workflowId: workflow.id,
      phase: phase.id,
      cost: String(bill.cost),
      error: String(error),
    });
  }
}
