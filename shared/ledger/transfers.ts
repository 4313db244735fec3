import type { Idempotency } from '#platform/idempotency.js';
import type { Micro } from '#platform/money.js';
import { Transaction } from '#platform/transaction.js';
import { InsufficientFundsError, SelfTransferError } from './errors.js';
import { resolveExpiredHoldsOf } from './holds.js';
import { type LedgerDeps, requireUser } from './ledger.js';
import { Posting, type Transfer } from './posting.js';

/** Admin issuance: mint -> user. */
export async function grant(
  deps: LedgerDeps,
  input: { userId: string; amount: Micro; memo?: string },
  idempotency?: Idempotency<Transfer>,
): Promise<Transfer> {
  const now = deps.clock.now();
  const posting = new Posting(now);
  const transfer = posting.move({
    from: 'mint',
    to: input.userId,
    amount: input.amount,
    reason: 'grant',
    memo: input.memo,
  });
  const tx = requireUser(new Transaction(deps.table), deps, input.userId, 'body.userId');
  await posting.applyTo(tx, deps.table.name).idempotent(idempotency, transfer, now).commit(deps.retry);
  return transfer;
}

/** User to user. A refusal for want of funds first resolves the payer's expired holds, then tries once more. */
export async function transfer(
  deps: LedgerDeps,
  input: { from: string; to: string; amount: Micro; memo?: string },
  idempotency?: Idempotency<Transfer>,
): Promise<Transfer> {
  if (input.from === input.to) throw new SelfTransferError();
  const now = deps.clock.now();
  const posting = new Posting(now);
  const moved = posting.move({ ...input, reason: 'transfer' });
  const tx = requireUser(new Transaction(deps.table), deps, input.to, 'body.to');
  posting.applyTo(tx, deps.table.name).idempotent(idempotency, moved, now);
  await commitFreeingExpiredHolds(deps, tx, input.from);
  return moved;
}

/**
 * Expired holds still count in the stored available balance until they are resolved; reads
 * already ignore them, so a debit refused because of them resolves them and tries again.
 */
export async function commitFreeingExpiredHolds(
  deps: LedgerDeps,
  tx: Transaction,
  payer: string,
): Promise<void> {
  try {
    await tx.commit(deps.retry);
  } catch (error) {
    if (!(error instanceof InsufficientFundsError) || error.accountId !== payer) throw error;
    if ((await resolveExpiredHoldsOf(deps, payer)) === 0) throw error;
    await tx.commit(deps.retry);
  }
}
