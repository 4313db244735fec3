import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '#platform/table.js';
import { PHASES } from '#shared/prices/phases.js';
import type { SendPhase } from './messages.js';
import { ACTIVE_INDEX_SHARDS, type Workflow, workflowOf } from './workflow.js';

/**
 * Stuck workflows: queued or running, unchanged for a while (a message lost to a crash between a
 * commit and its send, before any redelivery). Running workflows are indexed by their last change
 * in a few gsi2 partitions; the health sweep can list them and re-drive them.
 */
export async function listStuckWorkflows(table: Table, unchangedSince: Date): Promise<Workflow[]> {
  const bound = `${unchangedSince.toISOString()}#~`;
  const shards = await Promise.all(
    Array.from({ length: ACTIVE_INDEX_SHARDS }, async (_, shard) => {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await table.doc.send(
          new QueryCommand({
            TableName: table.name,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :bound',
            ExpressionAttributeValues: { ':pk': `ACTIVE_WORKFLOWS#${shard}`, ':bound': bound },
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    }),
  );
  return shards.flat().map(workflowOf);
}

/**
 * Sends the message of the phase the workflow waits on. Safe at any time: whatever copies of a
 * phase's message run, the phase is charged and its next phase queued once (a copy arriving
 * after the phase completed does nothing; one arriving while it runs repeats only its work).
 */
export async function redriveWorkflow(send: SendPhase, workflow: Workflow): Promise<string | undefined> {
  const waiting = workflow.phases.find((phase) => phase.status === 'queued' || phase.status === 'running');
  if (!waiting) return undefined;
  await send({ workflowId: workflow.id, phase: PHASES[waiting.number - 1]!.id });
  return waiting.id;
}
