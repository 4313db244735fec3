import { formatFtns } from '#platform/money.js';
import type { Page } from '#platform/pagination.js';
import type { AccountView } from '#shared/ledger/accounts.js';
import type { Transfer } from '#shared/ledger/posting.js';

/** Domain values as the API shows them: micro-FTNS become decimal strings. */
export const accountView = (account: AccountView) => ({
  userId: account.userId,
  balance: formatFtns(account.balance),
  held: formatFtns(account.held),
  available: formatFtns(account.available),
});

export const transferView = <T extends Transfer>({ amount, ...rest }: T) => ({
  ...rest,
  amount: formatFtns(amount),
});

export { holdView } from '#shared/ledger/hold-view.js';

export const pageView = <T, V>(page: Page<T>, view: (item: T) => V): Page<V> => ({
  items: page.items.map(view),
  nextCursor: page.nextCursor,
});
