import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#platform/clock.js';
import type { Principal } from '#platform/http/principal.js';
import { isAdmin } from '#platform/http/principal.js';
import type { Table } from '#platform/table.js';
import { WorkflowFinishedError, WorkflowNotFoundError } from './errors.js';
import { type Workflow, workflowKey, workflowOf } from './workflow.js';
import { findWorkflow } from './workflows.js';

/**
 * A cancel is a request recorded on the workflow: the phase running now finishes and pays, and
 * the phase runner then releases the rest instead of queueing the next phase (a queued phase
 * that has not begun is not run). Asking twice is harmless; a finished workflow is 409.
 */
export async function requestCancel(
  deps: { table: Table; clock: Clock },
  workflowId: string,
  principal: Principal,
): Promise<Workflow> {
  const now = deps.clock.now().toISOString();
  try {
    const { Attributes } = await deps.table.doc.send(
      new UpdateCommand({
        TableName: deps.table.name,
        Key: workflowKey(workflowId),
        UpdateExpression:
          'SET cancelRequested = :yes, cancelRequestedAt = if_not_exists(cancelRequestedAt, :now)',
        ConditionExpression: `#status IN (:queued, :running)${isAdmin(principal) ? ' AND attribute_exists(pk)' : ' AND ownerId = :me'}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':yes': true,
          ':now': now,
          ':queued': 'queued',
          ':running': 'running',
          ...(isAdmin(principal) ? {} : { ':me': principal.userId }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return workflowOf(Attributes!);
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  const workflow = await findWorkflow(deps.table, workflowId);
  if (!workflow || (workflow.ownerId !== principal.userId && !isAdmin(principal))) {
    throw new WorkflowNotFoundError();
  }
  if (workflow.status === 'cancelled') return workflow;
  throw new WorkflowFinishedError(workflow.status);
}
