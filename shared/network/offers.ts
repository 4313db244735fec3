import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#platform/clock.js';
import type { Table } from '#platform/table.js';
import type { PhaseDefinition } from '#shared/prices/phases.js';
import type { Workflow } from '#shared/workflows/workflow.js';
import { networkConfig } from './network-config.js';
import { availableAt, isCrossChecked, type Offer, offerKey, offersPartition } from './offer.js';

/**
 * Puts a running phase up for the network (the phase runner calls this for `executor: network`).
 * One offer per workflow phase, written only if absent: a redelivered phase message is harmless.
 */
export async function offerPhase(
  deps: { table: Table; clock: Clock },
  workflow: Workflow,
  phase: PhaseDefinition,
): Promise<void> {
  const now = deps.clock.now().toISOString();
  const offer: Offer = {
    workflowId: workflow.id,
    phase: phase.id,
    // A capability names a phase the node serves (its models, for model phases, in a later step).
    capability: phase.id,
    status: 'open',
    offeredAt: now,
    verify: isCrossChecked(workflow.id, phase.id, networkConfig().verifyPpm),
    excluded: [],
    claims: 0,
  };
  try {
    await deps.table.doc.send(
      new PutCommand({
        TableName: deps.table.name,
        Item: {
          ...offerKey(workflow.id, phase.id),
          type: 'offer',
          ...offer,
          gsi3pk: offersPartition(offer.capability),
          gsi3sk: availableAt(now, workflow.id),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
