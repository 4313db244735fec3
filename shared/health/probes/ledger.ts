import { formatFtns } from '#platform/money.js';
import { getAccount, systemBalance } from '#shared/ledger/accounts.js';
import { auditLedger, type LedgerAudit } from '#shared/ledger/audit.js';
import { resolveExpiredHolds } from '#shared/ledger/holds.js';
import type { CheckLimits, CheckOutcome } from '../check.js';
import type { CapabilityProbes } from '../probe-deps.js';

/** An account that never exists: reading it exercises the account item and lapsed-holds index. */
const PROBE_ACCOUNT_ID = 'usr_health_probe';
/** These checks read whole indexes (and the audit re-reads a non-zero sum): more time than a point read. */
const SCANNING: Partial<CheckLimits> = { timeoutMs: 20_000, slowMs: 5_000 };
/** Enough account ids to act on; the audit endpoint lists them all. */
const LISTED_ACCOUNTS = 5;

/**
 * The books balance: every posted balance sums to exactly zero, no user account is negative and
 * each user's held is the sum of their active holds. Any of these broken is a broken money
 * invariant: the sweep scores 0, critical.
 */
export function invariantsOutcome(audit: LedgerAudit): CheckOutcome {
  const problems: string[] = [];
  if (audit.sumOfBalances !== 0n) {
    problems.push(`the ${audit.accounts} account items sum to ${formatFtns(audit.sumOfBalances)}, not 0`);
  }
  const negatives = audit.negativeBalances;
  if (negatives.length > 0) {
    const listed = negatives
      .slice(0, LISTED_ACCOUNTS)
      .map(
        (row) =>
          `${row.accountId} (balance ${formatFtns(row.balance)}, available ${formatFtns(row.available)})`,
      );
    const more = negatives.length > LISTED_ACCOUNTS ? ` and ${negatives.length - LISTED_ACCOUNTS} more` : '';
    problems.push(`negative user balance: ${listed.join(', ')}${more}`);
  }
  const mismatches = audit.heldMismatches;
  if (mismatches.length > 0) {
    const listed = mismatches
      .slice(0, LISTED_ACCOUNTS)
      .map(
        (row) =>
          `${row.accountId} (held ${formatFtns(row.held)}, active holds ${formatFtns(row.activeHolds)})`,
      );
    const more =
      mismatches.length > LISTED_ACCOUNTS ? ` and ${mismatches.length - LISTED_ACCOUNTS} more` : '';
    problems.push(`held is not the sum of active holds: ${listed.join(', ')}${more}`);
  }
  if (problems.length > 0) return { status: 'down', detail: problems.join('; '), moneyInvariantBroken: true };
  return {
    status: 'healthy',
    detail: `${audit.accounts} account items sum to exactly 0; no user balance is negative; held matches the active holds`,
  };
}

export const ledgerProbes: CapabilityProbes = {
  capability: 'ledger',
  checks: (deps) => [
    {
      name: 'ledger',
      group: 'components',
      run: async () => {
        const [, mint] = await Promise.all([getAccount(deps, PROBE_ACCOUNT_ID), systemBalance(deps, 'mint')]);
        return {
          status: 'healthy',
          detail: `account and system balance reads answer (mint ${formatFtns(mint)})`,
        };
      },
    },
    {
      name: 'ledger-invariants',
      group: 'integrations',
      kind: 'audit',
      limits: SCANNING,
      run: async (signal) => invariantsOutcome(await auditLedger(deps, { signal })),
    },
    {
      // Housekeeping as a check: reads already ignore lapsed holds, this resolves them for good.
      // Each resolution is conditional on the hold being active, so a second sweep resolves none.
      name: 'ledger-expired-holds',
      group: 'integrations',
      kind: 'audit',
      limits: SCANNING,
      run: async () => {
        const resolved = await resolveExpiredHolds(deps);
        return {
          status: 'healthy',
          detail:
            resolved === 0
              ? 'no hold past its expiry left unresolved'
              : `resolved ${resolved} hold(s) past their expiry`,
        };
      },
    },
  ],
};
