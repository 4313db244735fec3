import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#platform/errors.js';
import type { Table } from '#platform/table.js';

export class SweepInProgressError extends ConflictError {
  constructor() {
    super(
      'sweep_in_progress',
      'A health sweep is under way: its report follows shortly (GET /v1/health/report)',
    );
  }
}

/**
 * One sweep at a time: a sweep holds this item until it ends or its lease runs out (a sweep
 * that died mid-way frees it at `leaseUntil`). Taking it is one conditional write, so two
 * sweeps starting together (the schedule and a POST) cannot both win.
 */
const LEASE_KEY = { pk: 'HEALTH#LEASE', sk: 'SWEEP' };

export async function acquireSweepLease(
  table: Table,
  holder: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  try {
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: { ...LEASE_KEY, holder, leaseUntil: new Date(now.getTime() + leaseMs).toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Frees the lease if this sweep still holds it (a lease that ran out may be another's now). */
export async function releaseSweepLease(table: Table, holder: string): Promise<void> {
  try {
    await table.doc.send(
      new DeleteCommand({
        TableName: table.name,
        Key: LEASE_KEY,
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}
