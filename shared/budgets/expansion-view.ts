import { formatFtns } from '#platform/money.js';
import type { PlatformEvent } from '#shared/notifications/event.js';
import type { ExpansionRequest } from './expansions.js';

/** An expansion request as the API shows it. */
export const expansionView = ({ amount, ...rest }: ExpansionRequest) => ({
  ...rest,
  amount: formatFtns(amount),
});

/**
 * `budget.expansion.requested` and `.denied`, to the budget's owner and members (an approval is
 * the budget's own `budget.expansion.approved` alert): written in the request's or the decision's
 * transaction (outbox), so it exists exactly when they do.
 */
export const expansionEvent = (
  request: ExpansionRequest,
  what: 'requested' | 'denied',
  at: string,
): PlatformEvent => ({
  eventId: `expansion:${request.id}:${what}`,
  type: `budget.expansion.${what}`,
  occurredAt: at,
  subject: `budget:${request.budgetId}`,
  data: { expansion: expansionView(request) },
});
