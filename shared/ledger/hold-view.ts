import { formatFtns } from '#platform/money.js';
import type { PlatformEvent } from '#shared/notifications/event.js';
import type { Hold } from './holds.js';

/** A hold as the API shows it: micro-FTNS become decimal strings. */
export const holdView = ({ payee, amount, capturedAmount, ...rest }: Hold) => ({
  ...rest,
  payeeId: payee,
  amount: formatFtns(amount),
  ...(capturedAmount !== undefined ? { capturedAmount: formatFtns(capturedAmount) } : {}),
});

/** `hold.expired`, to the hold's owner: written with the expiry, published by the sweep (outbox). */
export const holdExpiredEvent = (hold: Hold, at: Date): PlatformEvent => ({
  eventId: `hold:${hold.id}:expired`,
  type: 'hold.expired',
  occurredAt: at.toISOString(),
  subject: `hold:${hold.id}`,
  audience: [hold.ownerId],
  data: { hold: holdView(hold) },
});
