import type { Idempotency } from '#platform/idempotency.js';
import type { Micro } from '#platform/money.js';
import type { Transaction } from '#platform/transaction.js';
import {
  activeHold,
  addResolution,
  captureAmount,
  commitResolution,
  type Hold,
  type OnwardMove,
} from '#shared/ledger/holds.js';
import type { BudgetDeps } from './budget-deps.js';
import { type Charge, chargeRecordPut, commitWithBudget } from './charges.js';

/** How a capture appears in its budget's charge history. */
export type CaptureCharge = Pick<Charge, 'source' | 'description' | 'reference'>;

/**
 * Captures a hold. One that reserved budget is paid like any budget charge, in the hold's
 * category, using up its whole reservation (what the capture does not take is released with
 * it): the hold's end, the owner's payment, the budget's leg and the charge record commit
 * together, planned from the budget when the read-free plan's conditions fail.
 */
export async function captureHeldFunds(
  deps: BudgetDeps,
  input: {
    holdId: string;
    ownerId: string;
    amount?: Micro;
    /**
     * The hold as the caller recorded it when it was made (amount, payee, budget, category), to
     * save the read: the transaction's conditions (active, unexpired) still decide.
     */
    known?: Hold;
  },
  options: {
    idempotency?: Idempotency<Hold>;
    charge?: CaptureCharge;
    /** Paid on from the payee in the same posting (a provider node's proceeds). */
    onward?: readonly OnwardMove[];
    /** More legs of the same transaction (a workflow's phase update). */
    extend?: (tx: Transaction, hold: Hold, now: Date) => void;
  } = {},
): Promise<Hold> {
  const hold = input.known ?? (await activeHold(deps, input.holdId, input.ownerId));
  const amount = captureAmount(hold, input.amount);
  const { budgetId, category } = hold;
  const resolution = {
    status: 'captured' as const,
    amount,
    ...(options.onward ? { onward: options.onward } : {}),
  };
  if (!budgetId || !category) {
    return commitResolution(deps, hold, resolution, options.idempotency);
  }
  const charge = options.charge ?? { source: 'hold', reference: hold.id };
  return commitWithBudget(
    deps,
    { budgetId, memberId: hold.ownerId, category, amount, fromReserved: hold.amount, payerId: hold.ownerId },
    (tx, now) => {
      const resolved = addResolution(deps, tx, hold, resolution, now);
      tx.add(
        chargeRecordPut(deps.table.name, {
          id: resolved.captureTransferId!,
          budgetId,
          memberId: hold.ownerId,
          category,
          amount,
          ...charge,
          createdAt: now.toISOString(),
        }),
      );
      options.extend?.(tx, resolved, now);
      return resolved;
    },
    options.idempotency,
  );
}
