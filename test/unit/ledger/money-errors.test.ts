import { describe, expect, it } from 'vitest';
import {
  BudgetChangedError,
  BudgetClosedError,
  BudgetExceededError,
  BudgetNotFoundError,
  BudgetSuspendedError,
} from '#shared/budgets/errors.js';
import {
  CaptureExceedsHoldError,
  HoldNotActiveError,
  HoldNotFoundError,
  InsufficientFundsError,
  SelfTransferError,
  UnknownAccountError,
} from '#shared/ledger/errors.js';

/** The money refusals as a client sees them: status, stable code, message and field errors. */
describe('Money refusals', () => {
  it.each([
    [
      () => new InsufficientFundsError('usr_a'),
      402,
      'insufficient_funds',
      'The available balance does not cover this amount',
      [],
    ],
    [
      () => new HoldNotActiveError('expired'),
      409,
      'hold_not_active',
      'The hold is expired: it can no longer be captured or released',
      [],
    ],
    [
      () => new CaptureExceedsHoldError(2_500_000n),
      422,
      'capture_exceeds_hold',
      'At most the held 2.50 FTNS can be captured',
      [{ path: 'body.amount', message: 'must be at most 2.50' }],
    ],
    [() => new HoldNotFoundError(), 404, 'not_found', 'No such hold', []],
    [
      () => new SelfTransferError(),
      422,
      'self_transfer',
      'A transfer needs two different accounts',
      [{ path: 'body.to', message: 'must not be the payer' }],
    ],
    [
      () => new UnknownAccountError('body.to'),
      422,
      'unknown_account',
      'No such user',
      [{ path: 'body.to', message: 'is not a user of PRSM' }],
    ],
    [() => new BudgetNotFoundError(), 404, 'not_found', 'No such budget', []],
    [() => new BudgetExceededError('Too much'), 402, 'budget_exceeded', 'Too much', []],
    [
      () => new BudgetExceededError('Too much', 1n),
      402,
      'budget_exceeded',
      'Too much (short by 0.000001 FTNS)',
      [],
    ],
    [
      () => new BudgetSuspendedError(),
      409,
      'budget_suspended',
      'The budget is suspended: its owner must resume it before further charges',
      [],
    ],
    [() => new BudgetClosedError(), 409, 'budget_closed', 'The budget is closed', []],
  ])('%s', (make, status, code, message, errors) => {
    // Built inside the test, so that the test is what covers each constructor.
    const error = make();
    expect({ status: error.status, code: error.code, message: error.message, errors: error.errors }).toEqual({
      status,
      code,
      message,
      errors,
    });
  });

  it('keeps the account a refusal for funds is about, and the budget a conflict returned', () => {
    expect(new InsufficientFundsError('usr_a').accountId).toBe('usr_a');
    const item = { id: 'bud_1' };
    expect(new BudgetChangedError(item)).toMatchObject({ item, message: 'budget changed' });
  });
});
