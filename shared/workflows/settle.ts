import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { formatFtns } from '#platform/money.js';
import { updateExpression } from '#platform/update-expression.js';
import { HoldNotActiveError } from '#shared/ledger/errors.js';
import { releaseHold } from '#shared/ledger/holds.js';
import { type Failure, type Workflow, workflowKey, workflowOf } from './workflow.js';
import type { WorkflowDeps } from './workflow-deps.js';
import { findWorkflow } from './workflows.js';

/**
 * Stopping a workflow: mark it failed or cancelled (once: conditioned on it still running, which
 * is also what every capture is conditioned on, so no phase pays after this), then release every
 * hold of a phase that was not captured, each in one transaction with its share of the budget's
 * reservation, then record `settledAt`. Every step is conditional, so running this twice (a
 * redelivered dead letter, two copies racing) releases each hold exactly once.
 */
export interface StopRequest {
  status: 'failed' | 'cancelled';
  failure?: Failure;
  /** Stop only while this phase has not completed (a dead letter for a phase that since ran is stale). */
  whilePhaseUnfinished?: string;
}

export async function stopWorkflow(
  deps: WorkflowDeps,
  workflowId: string,
  request: StopRequest,
): Promise<Workflow | undefined> {
  const now = deps.clock.now().toISOString();
  let workflow: Workflow | undefined;
  try {
    const { Attributes } = await deps.table.doc.send(
      new UpdateCommand({
        TableName: deps.table.name,
        Key: workflowKey(workflowId),
        UpdateExpression: updateExpression({
          set: [
            '#status = :stopped',
            'finishedAt = if_not_exists(finishedAt, :now)',
            'updatedAt = :now',
            request.failure && 'failure = :failure',
          ],
          remove: ['gsi2pk', 'gsi2sk'],
        }),
        ConditionExpression: `#status IN (:queued, :running)${request.whilePhaseUnfinished ? ' AND phases.#phase.#status IN (:queued, :running)' : ''}`,
        ExpressionAttributeNames: {
          '#status': 'status',
          ...(request.whilePhaseUnfinished ? { '#phase': request.whilePhaseUnfinished } : {}),
        },
        ExpressionAttributeValues: {
          ':stopped': request.status,
          ':now': now,
          ':queued': 'queued',
          ':running': 'running',
          ...(request.failure ? { ':failure': request.failure } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    workflow = workflowOf(Attributes!);
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    workflow = await findWorkflow(deps.table, workflowId);
    // Completed, or still running past the phase we were told about: nothing of ours to stop.
    if (!workflow || (workflow.status !== 'failed' && workflow.status !== 'cancelled')) return workflow;
  }
  await releaseUncaptured(deps, workflow);
  const settledAt = workflow.settledAt ?? deps.clock.now().toISOString();
  if (!workflow.settledAt) {
    await deps.table.doc.send(
      new UpdateCommand({
        TableName: deps.table.name,
        Key: workflowKey(workflowId),
        UpdateExpression: 'SET settledAt = if_not_exists(settledAt, :now)',
        ExpressionAttributeValues: { ':now': settledAt },
      }),
    );
  }
  const settled = { ...workflow, settledAt };
  await publishWorkflowEvent(deps, settled);
  return settled;
}

/** Releases the hold (and so the reservation) of every phase that was not captured. */
export async function releaseUncaptured(deps: WorkflowDeps, workflow: Workflow): Promise<number> {
  let released = 0;
  // One after another: every release updates the owner's account item.
  for (const phase of workflow.phases) {
    if (phase.status === 'completed') continue;
    try {
      // The hold returns its budget reservation with it.
      await releaseHold(deps, { holdId: phase.holdId, ownerId: workflow.ownerId });
      released++;
    } catch (error) {
      if (!(error instanceof HoldNotActiveError)) throw error;
    }
  }
  return released;
}

/** Published at least once per outcome; the notifications consumer keeps one per event id. */
export async function publishWorkflowEvent(deps: WorkflowDeps, workflow: Workflow): Promise<void> {
  await deps.publish({
    eventId: `workflow:${workflow.id}:${workflow.status}`,
    type: `workflow.${workflow.status}`,
    occurredAt: workflow.finishedAt ?? workflow.updatedAt,
    subject: `workflow:${workflow.id}`,
    data: {
      ownerId: workflow.ownerId,
      budgetId: workflow.budgetId,
      totalCost: formatFtns(workflow.totalCost),
      ...(workflow.failure ? { failure: workflow.failure } : {}),
    },
  });
}
