import { ConflictError, NotFoundError, PaymentRequiredError } from '#platform/errors.js';
import { formatFtns } from '#platform/money.js';

export class BudgetNotFoundError extends NotFoundError {
  constructor() {
    super('budget');
  }
}

export class BudgetExceededError extends PaymentRequiredError {
  constructor(detail: string, shortfall?: bigint) {
    super(
      'budget_exceeded',
      shortfall === undefined ? detail : `${detail} (short by ${formatFtns(shortfall)} FTNS)`,
    );
  }
}

export class BudgetSuspendedError extends ConflictError {
  constructor() {
    super('budget_suspended', 'The budget is suspended: its owner must resume it before further charges');
  }
}

export class BudgetClosedError extends ConflictError {
  constructor() {
    super('budget_closed', 'The budget is closed');
  }
}

/** The budget changed since it was read: plan the write again from the state it returned. */
export class BudgetChangedError extends Error {
  constructor(readonly item: Record<string, unknown> | undefined) {
    super('budget changed');
  }
}
