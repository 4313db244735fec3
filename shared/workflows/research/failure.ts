/**
 * A phase that cannot succeed however often it is delivered (a blocking safety finding, an answer
 * that stays malformed, no room left in its hold): the runner stops the workflow with this code
 * instead of letting SQS redeliver.
 */
export class PhaseFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PhaseFailure';
  }
}
