import type { Idempotency } from '#platform/idempotency.js';
import type { Micro } from '#platform/money.js';
import { Transaction } from '#platform/transaction.js';
import { SelfTransferError } from './errors.js';
import { commitFreeingExpiredHolds } from './holds.js';
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
  await commitFreeingExpiredHolds(deps, tx, [input.from]);
  return moved;
}
