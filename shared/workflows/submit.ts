import { type Idempotency, IdempotentReplay } from '#platform/idempotency.js';
import { newId } from '#platform/ids.js';
import type { Micro } from '#platform/money.js';
import { Transaction } from '#platform/transaction.js';
import { reservationRefusal, reserveLeg } from '#shared/budgets/reservations.js';
import { getAccount } from '#shared/ledger/accounts.js';
import { InsufficientFundsError } from '#shared/ledger/errors.js';
import { addHold, commitFreeingExpiredHolds } from '#shared/ledger/holds.js';
import { Posting } from '#shared/ledger/posting.js';
import { PHASES } from '#shared/prices/phases.js';
import { getPrices } from '#shared/prices/price-list.js';
import { EstimateNotCoveredError, MaxCostExceededError } from './errors.js';
import { phaseHolds } from './holds.js';
import { checkWorkflowListings } from './listings.js';
import { getSafetyPolicy, screenPrompt } from './safety.js';
import { SNAPSHOT_ATTRIBUTE, snapshotJson } from './snapshot.js';
import {
  type ExecutorName,
  type PhaseState,
  type Preferences,
  type Workflow,
  workflowItem,
} from './workflow.js';
import type { WorkflowDeps } from './workflow-deps.js';
import { findWorkflow } from './workflows.js';

/**
 * Holds outlive any run by far: a workflow re-driven after 10 minutes still finds them. A hold
 * that lapsed would no longer be captured, and its expiry would not return the reservation.
 */
export const HOLD_TTL_SECONDS = 7 * 24 * 3600;

export interface Submission {
  ownerId: string;
  prompt: string;
  preferences?: Preferences;
  budgetId: string;
  maxCost?: Micro;
  executor?: ExecutorName;
  /** Marketplace listings for the teacher's context: ids, each at most once. */
  listings?: string[];
}

/**
 * Screens the prompt, prices the seven phases, then in one transaction: a hold per phase on the
 * owner's balance (payee `revenue`), the whole estimate reserved on the budget, the workflow and
 * the idempotency record. Phase 1 is sent after the commit; a replay of the request sends it
 * again while the workflow still waits for it, so a lost send is repaired by the client's retry.
 */
export async function submitWorkflow(
  deps: WorkflowDeps,
  input: Submission,
  idempotency?: Idempotency<Workflow>,
): Promise<Workflow> {
  const [policy, prices, listings] = await Promise.all([
    getSafetyPolicy(deps.table),
    getPrices(deps.table),
    checkWorkflowListings(deps, input.ownerId, input.listings ?? []),
  ]);
  const screening = screenPrompt(input.prompt, policy);
  const executor = input.executor ?? deps.executors.default;
  const estimates = phaseHolds(deps.executors.research?.registry.settings ?? null, executor, prices);
  const estimate = estimates.reduce((sum, amount) => sum + amount, 0n);
  if (input.maxCost !== undefined && estimate > input.maxCost) {
    throw new MaxCostExceededError(estimate, input.maxCost);
  }

  const now = deps.clock.now();
  const tx = new Transaction(deps.table);
  // The budget leg first: its refusal (unknown budget, not a member, no room) is the answer even
  // when the balance is short too.
  tx.add(
    reserveLeg(deps.table.name, { budgetId: input.budgetId, memberId: input.ownerId, amount: estimate }),
    (item) => reservationRefusal(item, input.ownerId, estimate),
  );
  const posting = new Posting(now);
  const phases: PhaseState[] = PHASES.map((phase, index) => {
    const hold = addHold(
      deps,
      tx,
      posting,
      {
        ownerId: input.ownerId,
        amount: estimates[index]!,
        expiresInSeconds: HOLD_TTL_SECONDS,
        budgetId: input.budgetId,
        category: phase.category,
      },
      now,
    );
    return {
      id: phase.id,
      number: phase.number,
      status: index === 0 ? 'queued' : 'pending',
      holdId: hold.id,
      estimate: hold.amount,
      cost: null,
      extraCharge: null,
      components: [],
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      executorMs: null,
      attempts: 0,
      executor: null,
      summary: null,
      artifact: null,
      usage: null,
      error: null,
      spent: [],
    };
  });
  posting.applyTo(tx, deps.table.name);
  const workflow: Workflow = {
    id: newId('wf'),
    ownerId: input.ownerId,
    budgetId: input.budgetId,
    prompt: input.prompt,
    preferences: input.preferences ?? {},
    executor,
    status: 'queued',
    estimate,
    maxCost: input.maxCost ?? null,
    totalCost: 0n,
    cancelRequested: false,
    createdAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
    settledAt: null,
    updatedAt: now.toISOString(),
    screening,
    phases,
    failure: null,
    response: null,
    audit: null,
    listings,
  };
  tx.add({
    Put: {
      TableName: deps.table.name,
      // The prices and the policy the quote was made under: what its phases charge and audit by.
      Item: { ...workflowItem(workflow), [SNAPSHOT_ATTRIBUTE]: snapshotJson(prices, policy) },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  tx.idempotent(idempotency, workflow, now);
  try {
    await commitFreeingExpiredHolds(deps, tx, [input.ownerId]);
  } catch (error) {
    if (error instanceof IdempotentReplay) {
      await resendFirstPhase(deps, error);
      throw error;
    }
    if (error instanceof InsufficientFundsError) {
      throw new EstimateNotCoveredError(estimate, (await getAccount(deps, input.ownerId)).available);
    }
    throw error;
  }
  await deps.sendPhase({ workflowId: workflow.id, phase: PHASES[0]!.id });
  return workflow;
}

/** The first answer's workflow, when it still waits for phase 1: its message may never have been sent. */
async function resendFirstPhase(deps: WorkflowDeps, replay: IdempotentReplay): Promise<void> {
  if (replay.response.status !== 202) return;
  const { id } = JSON.parse(replay.response.body) as { id?: string };
  if (!id) return;
  const workflow = await findWorkflow(deps.table, id);
  if (workflow?.status === 'queued' && workflow.phases[0]?.status === 'queued') {
    await deps.sendPhase({ workflowId: id, phase: PHASES[0]!.id });
  }
}
