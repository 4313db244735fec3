import { beforeEach, describe, expect, it } from 'vitest';
import { userKey } from '#shared/identity/users.js';
import { accountItemKey } from '#shared/ledger/account.js';
import { auditLedger } from '#shared/ledger/audit.js';
import { createHold } from '#shared/ledger/holds.js';
import type { LedgerDeps } from '#shared/ledger/ledger.js';
import { grant } from '#shared/ledger/transfers.js';
import { type MemoryTable, memoryTable } from '../../support/memory-table.js';

/** The ledger audit against the table in memory: the books, negative balances, held vs active holds. */
let table: MemoryTable;
let deps: LedgerDeps;
const now = new Date('2026-03-15T12:00:00.000Z');
const noSettle = { settleAttempts: 1 };

const tamper = (id: string, figures: Record<string, bigint>) => {
  const key = accountItemKey(id);
  table.put({ ...table.item(key)!, ...figures });
};

beforeEach(async () => {
  table = memoryTable();
  deps = {
    table,
    clock: { now: () => now },
    retry: { attempts: 3, baseDelayMs: 10, sleep: async () => undefined },
  };
  for (const id of ['usr_a', 'usr_b']) table.put({ ...userKey(id), type: 'user', id });
  await grant(deps, { userId: 'usr_a', amount: 100n });
  await grant(deps, { userId: 'usr_b', amount: 50n });
  await createHold(deps, { ownerId: 'usr_a', amount: 30n, expiresInSeconds: 60 });
  await createHold(deps, { ownerId: 'usr_a', amount: 5n, expiresInSeconds: 60 });
});

describe('Ledger audit', () => {
  it('finds books that balance, no negative balance and held equal to the active holds', async () => {
    const audit = await auditLedger(deps, noSettle);
    expect(audit).toMatchObject({ sumOfBalances: 0n, negativeBalances: [], heldMismatches: [] });
    expect(audit.accounts).toBeGreaterThanOrEqual(3);
  });

  it('names an account whose held is not the sum of its active holds', async () => {
    tamper('usr_a', { held: 36n });
    const audit = await auditLedger(deps, noSettle);
    expect(audit.heldMismatches).toEqual([{ accountId: 'usr_a', held: 36n, activeHolds: 35n }]);
    expect(audit.sumOfBalances).toBe(0n);
  });

  it('reads again before it reports drift, and reports the sum and the negative account', async () => {
    tamper('usr_b', { balance: -10n, available: -10n });
    const audit = await auditLedger(deps, { settleAttempts: 2, settleDelayMs: 0 });
    expect(audit.sumOfBalances).toBe(-60n);
    expect(audit.negativeBalances).toEqual([{ accountId: 'usr_b', balance: -10n, available: -10n }]);
  });

  it('stops at its next page once its signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('past the deadline'));
    await expect(auditLedger(deps, { signal: controller.signal })).rejects.toThrow('past the deadline');
  });
});
