import { AppError, ConflictError, NotFoundError, PaymentRequiredError } from '#platform/errors.js';
import { formatFtns } from '#platform/money.js';

export class InsufficientFundsError extends PaymentRequiredError {
  constructor(readonly accountId: string) {
    super('insufficient_funds', 'The available balance does not cover this amount');
  }
}

export class HoldNotActiveError extends ConflictError {
  constructor(status: string) {
    super('hold_not_active', `The hold is ${status}: it can no longer be captured or released`);
  }
}

export class CaptureExceedsHoldError extends AppError {
  constructor(held: bigint) {
    super(422, 'capture_exceeds_hold', `At most the held ${formatFtns(held)} FTNS can be captured`, [
      { path: 'body.amount', message: `must be at most ${formatFtns(held)}` },
    ]);
  }
}

export class HoldNotFoundError extends NotFoundError {
  constructor() {
    super('hold');
  }
}

export class SelfTransferError extends AppError {
  constructor(path = 'body.to') {
    super(422, 'self_transfer', 'A transfer needs two different accounts', [
      { path, message: 'must not be the payer' },
    ]);
  }
}

export class UnknownAccountError extends AppError {
  constructor(path: string) {
    super(422, 'unknown_account', 'No such user', [{ path, message: 'is not a user of PRSM' }]);
  }
}
