import { AppError, ConflictError, NotFoundError, ValidationError } from '#platform/errors.js';

export class NodeNotFoundError extends NotFoundError {
  constructor() {
    super('node');
  }
}

export class LeaseNotFoundError extends NotFoundError {
  constructor() {
    super('lease');
  }
}

export class StakeTooLowError extends ValidationError {
  constructor(minimum: string) {
    super(
      [{ path: 'body.stake', message: `must be at least ${minimum} FTNS` }],
      `A node's stake is at least ${minimum} FTNS`,
      'stake_too_low',
    );
  }
}

export class NodeInactiveError extends ConflictError {
  constructor() {
    super('node_inactive', 'The node has sent no heartbeat within the timeout: POST its heartbeat first');
  }
}

export class NodeDeregisteredError extends ConflictError {
  constructor() {
    super('node_deregistered', 'The node is deregistered');
  }
}

export class ReputationTooLowError extends ConflictError {
  constructor(reputation: number) {
    super('reputation_too_low', `The node's reputation ${reputation} is below 0.3: it is offered no work`);
  }
}

export class NodeBusyError extends ConflictError {
  constructor(leases: number) {
    super('node_has_leases', `The node holds ${leases} lease(s): answer or fail them first`);
  }
}

export class LeaseExpiredError extends ConflictError {
  constructor(status: string) {
    super(
      'lease_expired',
      `The lease is ${status}: its deadline passed or it was answered, and the work is offered again`,
    );
  }
}

export class ResultRejectedError extends AppError {
  constructor(reason: string) {
    super(
      422,
      'result_rejected',
      `The result failed verification (${reason}); the node was slashed and the phase is offered again`,
    );
  }
}

/** A node changed between its read and a transaction's condition: read it again. */
export class NodeChangedError extends Error {
  constructor(readonly item?: Record<string, unknown>) {
    super('the node changed');
  }
}

/** The offer moved on (another node's lease, a result already applied): not this lease's to answer. */
export class OfferChangedError extends Error {
  constructor(readonly item?: Record<string, unknown>) {
    super('the offer changed');
  }
}
