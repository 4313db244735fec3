import { AppError, ConflictError, NotFoundError, PaymentRequiredError } from '#platform/errors.js';
import { formatFtns, type Micro } from '#platform/money.js';

export class WorkflowNotFoundError extends NotFoundError {
  constructor() {
    super('workflow');
  }
}

export class ArtifactNotFoundError extends NotFoundError {
  constructor() {
    super('artifact: the phase has not completed');
  }
}

export class MaxCostExceededError extends AppError {
  constructor(estimate: Micro, maxCost: Micro) {
    super(
      422,
      'max_cost_exceeded',
      `The estimate of ${formatFtns(estimate)} FTNS is above maxCost ${formatFtns(maxCost)} FTNS`,
      [{ path: 'body.maxCost', message: `must be at least the estimate, ${formatFtns(estimate)}` }],
    );
  }
}

/** The balance cannot hold the estimate; the detail says by how much. */
export class EstimateNotCoveredError extends PaymentRequiredError {
  constructor(estimate: Micro, available: Micro) {
    const shortfall = estimate - available;
    super(
      'insufficient_funds',
      `The available balance of ${formatFtns(available)} FTNS cannot hold the estimate of ${formatFtns(estimate)} FTNS` +
        (shortfall > 0n ? ` (short by ${formatFtns(shortfall)} FTNS)` : ''),
    );
  }
}

export class WorkflowFinishedError extends ConflictError {
  constructor(status: string) {
    super('workflow_finished', `The workflow is already ${status}`);
  }
}

/** The workflow item's condition failed inside a phase's transaction: re-read it and decide again. */
export class WorkflowChangedError extends Error {
  constructor(readonly item: Record<string, unknown> | undefined) {
    super('workflow changed');
    this.name = 'WorkflowChangedError';
  }
}

export class ExecutorUnavailableError extends AppError {
  constructor(executor: string, offered: string[]) {
    super(
      422,
      'executor_unavailable',
      `The executor ${executor} is not configured here (offered: ${offered.join(', ')})`,
      [{ path: 'body.executor', message: `must be one of ${offered.join(', ')}` }],
    );
  }
}

export class ModelUnpricedError extends AppError {
  constructor(model: string) {
    super(
      422,
      'model_unpriced',
      `The model ${model} has no price: an admin sets it with PUT /v1/prices/models/{modelId}`,
    );
  }
}
