import type { Micro } from '#platform/money.js';
import type { TransactItem, Transaction } from '#platform/transaction.js';
import { type Charge, chargeRecordPut, commitWithBudget } from '#shared/budgets/charges.js';
import { type CaptureCharge, captureHeldFunds } from '#shared/budgets/hold-capture.js';
import type { Hold, OnwardMove } from '#shared/ledger/holds.js';
import { Posting } from '#shared/ledger/posting.js';
import type { PhaseDefinition } from '#shared/prices/phases.js';
import { WorkflowChangedError } from './errors.js';
import { HOLD_TTL_SECONDS } from './submit.js';
import type { Workflow } from './workflow.js';
import type { WorkflowDeps } from './workflow-deps.js';

/** More of a phase's capture: payments on from `revenue` and legs of the same transaction (a provider network's lease). */
export interface CaptureExtras {
  onward?: readonly OnwardMove[];
  legs?: (tx: Transaction, now: Date) => void;
}

/**
 * A phase's payment: its hold captured to `revenue` and the budget's spent raised in the phase's
 * category, using up the phase's reservation, with the charge record and the workflow's phase
 * update, in one transaction. The hold's `status = active` condition and the workflow leg's
 * `phase = running` condition make a second capture of the same phase impossible.
 */
export async function capturePhase(
  deps: WorkflowDeps,
  workflow: Workflow,
  phase: PhaseDefinition,
  amount: Micro,
  workflowLeg: (now: Date) => TransactItem,
  extras: CaptureExtras = {},
): Promise<void> {
  const state = workflow.phases[phase.number - 1]!;
  await captureHeldFunds(
    deps,
    { holdId: state.holdId, ownerId: workflow.ownerId, amount, known: phaseHold(workflow, phase) },
    {
      charge: phaseChargeOf(workflow, phase),
      ...(extras.onward ? { onward: extras.onward } : {}),
      extend: (tx, _hold, now) => {
        tx.add(workflowLeg(now), (item) => new WorkflowChangedError(item));
        extras.legs?.(tx, now);
      },
    },
  );
}

/**
 * What a phase cost beyond its hold (prices rose since submission, for a workflow stored without
 * its quote's prices: `snapshot.ts`), charged like any budget charge: the owner's available
 * balance to `revenue`, admitted only if the budget has room. The workflow leg records it, so a
 * redelivered phase does not charge it again.
 */
export async function chargeExcess(
  deps: WorkflowDeps,
  workflow: Workflow,
  phase: PhaseDefinition,
  amount: Micro,
  workflowLeg: (now: Date) => TransactItem,
): Promise<void> {
  await commitWithBudget(
    deps,
    {
      budgetId: workflow.budgetId,
      memberId: workflow.ownerId,
      category: phase.category,
      amount,
      payerId: workflow.ownerId,
    },
    (tx, now) => {
      const posting = new Posting(now);
      const transfer = posting.move({
        from: workflow.ownerId,
        to: 'revenue',
        amount,
        reason: 'workflow_phase',
        reference: `${workflow.id}/${phase.id}`,
      });
      posting.applyTo(tx, deps.table.name);
      tx.add(chargeRecordPut(deps.table.name, phaseCharge(workflow, phase, amount, transfer.id, now)));
      tx.add(workflowLeg(now), (item) => new WorkflowChangedError(item));
    },
  );
}

/**
 * A phase's hold as submission made it (the workflow keeps its id and amount): read-free capture.
 * Only what the capture uses is exact; its `active` status is what the transaction's condition checks.
 */
const phaseHold = (workflow: Workflow, phase: PhaseDefinition): Hold => {
  const state = workflow.phases[phase.number - 1]!;
  return {
    id: state.holdId,
    ownerId: workflow.ownerId,
    payee: 'revenue',
    amount: state.estimate,
    status: 'active',
    expiresAt: new Date(Date.parse(workflow.createdAt) + HOLD_TTL_SECONDS * 1000).toISOString(),
    createdAt: workflow.createdAt,
    budgetId: workflow.budgetId,
    category: phase.category,
  };
};

const phaseChargeOf = (workflow: Workflow, phase: PhaseDefinition): CaptureCharge => ({
  description: `Workflow phase ${phase.number}: ${phase.name}`,
  source: 'workflow',
  reference: `${workflow.id}/${phase.id}`,
});

function phaseCharge(
  workflow: Workflow,
  phase: PhaseDefinition,
  amount: Micro,
  id: string,
  now: Date,
): Charge {
  return {
    id,
    budgetId: workflow.budgetId,
    memberId: workflow.ownerId,
    category: phase.category,
    amount,
    ...phaseChargeOf(workflow, phase),
    createdAt: now.toISOString(),
  };
}
