import { UnavailableError } from '#platform/errors.js';
import { logger } from '#platform/logger.js';
import type { Micro } from '#platform/money.js';
import type { TransactItem, Transaction } from '#platform/transaction.js';
import { type Budget, budgetOf } from '#shared/budgets/budget.js';
import { budgetChargeLeg } from '#shared/budgets/budget-leg.js';
import { type BudgetChargeInput, planCharge } from '#shared/budgets/charge-plan.js';
import {
  type Charge,
  chargeRecordPut,
  commitWithBudget,
  recordChargeAlerts,
} from '#shared/budgets/charges.js';
import { BudgetChangedError, BudgetNotFoundError } from '#shared/budgets/errors.js';
import { captureHold } from '#shared/ledger/holds.js';
import { Posting } from '#shared/ledger/posting.js';
import type { PhaseDefinition } from '#shared/prices/phases.js';
import { WorkflowChangedError } from './errors.js';
import type { Workflow } from './workflow.js';
import type { WorkflowDeps } from './workflow-deps.js';

/**
 * A phase's payment: its hold captured to `revenue` and the budget's spent raised in the phase's
 * category, using up the phase's reservation, with the charge record and the workflow's phase
 * update, in one transaction. The hold's `status = active` condition and the workflow leg's
 * `phase = running` condition make a second capture of the same phase impossible.
 */
const MAX_PLANS = 8;

/** The budget leg is read-free unless the charge crosses an alert level: then it is planned from the budget. */
export async function capturePhase(
  deps: WorkflowDeps,
  workflow: Workflow,
  phase: PhaseDefinition,
  amount: Micro,
  workflowLeg: (now: Date) => TransactItem,
): Promise<void> {
  const state = workflow.phases[phase.number - 1]!;
  const input: BudgetChargeInput = {
    budgetId: workflow.budgetId,
    memberId: workflow.ownerId,
    category: phase.category,
    amount,
    // The whole reservation of the phase: what the capture does not use is released with it.
    fromReserved: state.estimate,
  };
  let seen: Budget | undefined;
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now();
    const plan = planCharge(input, seen, now);
    try {
      await captureHold(
        deps,
        { holdId: state.holdId, ownerId: workflow.ownerId, amount },
        undefined,
        (tx: Transaction, hold) => {
          tx.add(workflowLeg(now), (item) => new WorkflowChangedError(item));
          tx.add(budgetChargeLeg(deps.table.name, input, plan, now), (item) => new BudgetChangedError(item));
          tx.add(
            chargeRecordPut(
              deps.table.name,
              phaseCharge(workflow, phase, amount, hold.captureTransferId!, now),
            ),
          );
        },
      );
    } catch (error) {
      if (!(error instanceof BudgetChangedError)) throw error;
      if (!error.item) throw new BudgetNotFoundError();
      if (attempt >= MAX_PLANS) throw new UnavailableError('The budget is changing too fast, retry shortly');
      seen = budgetOf(error.item);
      continue;
    }
    // Paid: an alert that fails to record is added by the health sweep, not a reason to retry the phase.
    await recordChargeAlerts(deps, workflow.budgetId, plan, now).catch((error: unknown) =>
      logger.warn('phase alerts not recorded; the health sweep will add them', {
        workflowId: workflow.id,
        error,
      }),
    );
    return;
  }
}

/**
 * What a phase cost beyond its hold (prices rose since submission), charged like any budget
 * charge: the owner's available balance to `revenue`, admitted only if the budget has room.
 * The workflow leg records it, so a redelivered phase does not charge it again.
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
    description: `Workflow phase ${phase.number}: ${phase.name}`,
    source: 'workflow',
    reference: `${workflow.id}/${phase.id}`,
    createdAt: now.toISOString(),
  };
}
