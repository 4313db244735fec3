import { s3Client, sqsClient } from '#platform/aws-clients.js';
import { config, queueUrl } from '#platform/config.js';
import { type BudgetDeps, budgetDeps } from '#shared/budgets/budget-deps.js';
import { configuredFeePpm } from '#shared/marketplace/marketplace-deps.js';
import type { ArtifactStore } from './artifacts.js';
import { type Executors, readExecutorEnv, selectExecutors } from './executors/select.js';
import { PHASE_QUEUE, phaseSender, type SendPhase } from './messages.js';

/** What workflow operations depend on, passed in: tests and benchmarks give their own. */
export interface WorkflowDeps extends BudgetDeps {
  artifacts: ArtifactStore;
  /** The marketplace fee on the listings a workflow buys as context. */
  feePpm: bigint;
  sendPhase: SendPhase;
  executors: Executors;
}

let deps: WorkflowDeps | undefined;

/** The workflows' dependencies in a Lambda, built once per container. */
export function workflowDeps(): WorkflowDeps {
  if (deps) return deps;
  const budgets = budgetDeps();
  deps = {
    ...budgets,
    feePpm: configuredFeePpm(),
    artifacts: { s3: s3Client(), bucket: config().BUCKET_NAME },
    // Resolved on use: the dead-letter consumer has no phase queue to send to.
    sendPhase: (message) => phaseSender(sqsClient(), queueUrl(PHASE_QUEUE))(message),
    executors: selectExecutors(readExecutorEnv(), budgets),
  };
  return deps;
}
