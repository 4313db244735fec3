import { beforeEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '#platform/errors.js';
import { budgetItem } from '#shared/budgets/budget-item.js';
import { userKey } from '#shared/identity/users.js';
import { accountItemKey, shardKeys } from '#shared/ledger/account.js';
import {
  CaptureExceedsHoldError,
  HoldNotActiveError,
  HoldNotFoundError,
  InsufficientFundsError,
  UnknownAccountError,
} from '#shared/ledger/errors.js';
import {
  captureHold,
  createHold,
  getHold,
  lapsedHoldTotal,
  listHolds,
  releaseHold,
  resolveExpiredHolds,
  resolveExpiredHoldsOf,
} from '#shared/ledger/holds.js';
import type { LedgerDeps } from '#shared/ledger/ledger.js';
import { grant, transfer } from '#shared/ledger/transfers.js';
import { type MemoryTable, memoryTable } from '../../support/memory-table.js';
import { budgetWith } from '../budgets/fixtures.js';

/**
 * Hold resolution against the table in memory: the ledger code runs as it is, its table and
 * clock passed in. Time moves only when a test moves it.
 */
let table: MemoryTable;
let now: Date;
let deps: LedgerDeps;
const sleeps: number[] = [];

const at = (iso: string) => {
  now = new Date(iso);
};
const later = (seconds: number) => {
  now = new Date(now.getTime() + seconds * 1000);
};
const account = (id: string) => {
  const item = table.item(accountItemKey(id));
  const figure = (name: string) => (item?.[name] as bigint | undefined) ?? 0n;
  return { balance: figure('balance'), held: figure('held'), available: figure('available') };
};
const systemBalance = (id: 'mint' | 'revenue' | 'fees') =>
  shardKeys(id).reduce((sum, key) => sum + ((table.item(key)?.balance as bigint | undefined) ?? 0n), 0n);

beforeEach(async () => {
  table = memoryTable();
  at('2026-03-15T12:00:00.000Z');
  sleeps.length = 0;
  deps = {
    table,
    clock: { now: () => now },
    retry: { attempts: 3, baseDelayMs: 10, sleep: async (ms) => void sleeps.push(ms) },
  };
  for (const id of ['usr_a', 'usr_b']) table.put({ ...userKey(id), type: 'user', id });
  await grant(deps, { userId: 'usr_a', amount: 100n });
});

describe('Holds: creation', () => {
  it('reserves the amount and records when it lapses', async () => {
    const hold = await createHold(deps, { ownerId: 'usr_a', amount: 30n, expiresInSeconds: 60 });
    expect(hold).toMatchObject({
      ownerId: 'usr_a',
      payee: 'revenue',
      amount: 30n,
      status: 'active',
      createdAt: '2026-03-15T12:00:00.000Z',
      expiresAt: '2026-03-15T12:01:00.000Z',
    });
    expect(hold.id).toMatch(/^hold_/);
    expect(account('usr_a')).toEqual({ balance: 100n, held: 30n, available: 70n });
    const stored = table.item({ pk: `HOLD#${hold.id}`, sk: 'HOLD' })!;
    expect(stored).toMatchObject({
      type: 'hold',
      expiresAtMs: Date.parse('2026-03-15T12:01:00Z'),
      gsi2pk: 'ACTIVE_HOLDS#usr_a',
      gsi2sk: `2026-03-15T12:01:00.000Z#${hold.id}`,
      gsi3sk: `2026-03-15T12:01:00.000Z#${hold.id}`,
    });
    expect(stored.gsi3pk).toMatch(/^HOLD_EXPIRY#[0-3]$/);
  });

  it('refuses a hold beyond the available balance, and one for a payee who is not a user', async () => {
    await expect(
      createHold(deps, { ownerId: 'usr_a', amount: 101n, expiresInSeconds: 60 }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(
      createHold(deps, { ownerId: 'usr_a', amount: 1n, expiresInSeconds: 60, payee: 'usr_nobody' }),
    ).rejects.toBeInstanceOf(UnknownAccountError);
    expect(account('usr_a')).toEqual({ balance: 100n, held: 0n, available: 100n });
  });

  it('keeps the budget and category of a budget hold', async () => {
    table.put(budgetItem(budgetWith({ ownerId: 'usr_a', members: { usr_a: { cap: null } } })));
    const hold = await createHold(deps, {
      ownerId: 'usr_a',
      amount: 5n,
      expiresInSeconds: 60,
      budgetId: 'bud_1',
      category: 'compute',
      payee: 'usr_b',
    });
    expect(await getHold(deps, hold.id)).toMatchObject({
      budgetId: 'bud_1',
      category: 'compute',
      payee: 'usr_b',
    });
  });
});

describe('Holds: capture and release', () => {
  it('captures part of a hold to its payee and returns the rest', async () => {
    const hold = await createHold(deps, {
      ownerId: 'usr_a',
      amount: 30n,
      expiresInSeconds: 60,
      payee: 'usr_b',
    });
    later(10);
    const captured = await captureHold(deps, { holdId: hold.id, ownerId: 'usr_a', amount: 12n });
    expect(captured).toMatchObject({
      status: 'captured',
      capturedAmount: 12n,
      resolvedAt: '2026-03-15T12:00:10.000Z',
    });
    expect(captured.captureTransferId).toMatch(/^tr_/);
    expect(account('usr_a')).toEqual({ balance: 88n, held: 0n, available: 88n });
    expect(account('usr_b')).toEqual({ balance: 12n, held: 0n, available: 12n });
    const stored = table.item({ pk: `HOLD#${hold.id}`, sk: 'HOLD' })!;
    expect(stored).toMatchObject({ status: 'captured', capturedAmount: 12n });
    // Out of the expiry indexes: the sweep never sees it again.
    for (const attr of ['gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk']) expect(stored).not.toHaveProperty(attr);
  });

  it('captures the whole hold when no amount is given, to revenue by default', async () => {
    const hold = await createHold(deps, { ownerId: 'usr_a', amount: 30n, expiresInSeconds: 60 });
    expect(await captureHold(deps, { holdId: hold.id, ownerId: 'usr_a' })).toMatchObject({
      capturedAmount: 30n,
    });
    expect(systemBalance('revenue')).toBe(30n);
    expect(account('usr_a')).toEqual({ balance: 70n, held: 0n, available: 70n });
  });

  it('captures at most what is held, and nothing of someone else’s hold', async () => {
    const hold = await createHold(deps, { ownerId: 'usr_a', amount: 30n, expiresInSeconds: 60 });
    await expect(
      captureHold(deps, { holdId: hold.id, ownerId: 'usr_a', amount: 31n }),
    ).rejects.toBeInstanceOf(CaptureExceedsHoldError);
    await expect(captureHold(deps, { holdId: hold.id, ownerId: 'usr_b' })).rejects.toBeInstanceOf(
      HoldNotFoundError,
    );
    await expect(releaseHold(deps, { holdId: 'hold_none', ownerId: 'usr_a' })).rejects.toBeInstanceOf(
      HoldNotFoundError,
    );
    expect(await captureHold(deps, { holdId: hold.id, ownerId: 'usr_a', amount: 30n })).toMatchObject({
      capturedAmount: 30n,
    });
  });

  it('releases a hold: the reservation comes back and nothing moves', async () => {
    const hold = await createHold(deps, { ownerId: 'usr_a', amount: 30n, expiresInSeconds: 60 });
    const released = await releaseHold(deps, { holdId: hold.id, ownerId: 'usr_a' });
    expect(released).toMatchObject({ status: 'released', resolvedAt: '2026-03-15T12:00:00.000Z' });
    expect(released).not.toHaveProperty('capturedAmount');
    expect(account('usr_a')).toEqual({ balance: 100n, held: 0n, available: 100n });
  });

  it('resolves a hold once: a captured or released hold is no longer active', async () => {
    const hold = await createHold(deps, { ownerId: 'usr_a', amount: 30n, expiresInSeconds: 60 });
    await releaseHold(deps, { holdId: hold.id, ownerId: 'usr_a' });
    await expect(captureHold(deps, { holdId: hold.id, ownerId: 'usr_a' })).rejects.toThrow(
      'The hold is released: it can no longer be captured or released',
    );
    await expect(releaseHold(deps, { holdId: hold.id, ownerId: 'usr_a' })).rejects.toBeInstanceOf(
      HoldNotActiveError,
    );
    expect(account('usr_a')).toEqual({ balance: 100n, held: 0n, available: 100n });
  });

  it('ends a hold that reserved budget with its reservation, and captures it only through the budget', async () => {
    table.put(budgetItem(budgetWith({ ownerId: 'usr_a', members: { usr_a: { cap: null } } })));
    const reserved = () => table.item({ pk: 'BUDGET#bud_1', sk: 'BUDGET' })?.reserved;
    const input = {
      ownerId: 'usr_a',
      amount: 30n,
      expiresInSeconds: 60,
      budgetId: 'bud_1',
      category: 'compute',
    };
    const released = await createHold(deps, input);
    expect(reserved()).toBe(30n);
    await releaseHold(deps, { holdId: released.id, ownerId: 'usr_a' });
    expect(reserved()).toBe(0n);
    const captured = await createHold(deps, input);
    await expect(captureHold(deps, { holdId: captured.id, ownerId: 'usr_a' })).rejects.toThrow(
      /through the budget/,
    );
    expect((await getHold(deps, captured.id)).status).toBe('active');
  });
});

describe('Holds: expiry', () => {
  it('reports an active hold past its expiry as expired, and refuses to capture or release it', async () => {
    const hold = await createHold(deps, { ownerId: 'usr_a', amount: 30n, expiresInSeconds: 60 });
    later(59);
    expect((await getHold(deps, hold.id)).status).toBe('active');
    later(1);
    expect((await getHold(deps, hold.id, 'usr_a')).status).toBe('expired');
    await expect(captureHold(deps, { holdId: hold.id, ownerId: 'usr_a' })).rejects.toThrow(
      'The hold is expired',
    );
    await expect(releaseHold(deps, { holdId: hold.id, ownerId: 'usr_a' })).rejects.toBeInstanceOf(
      HoldNotActiveError,
    );
    expect((await listHolds(deps, 'usr_a', { limit: 10 })).items.map((h) => h.status)).toEqual(['expired']);
  });

  it('captures a hold until the millisecond it expires, as the read says, and refuses it from then on', async () => {
    // 12:00:59.5 is the expiry: at 12:00:59 both the read and the condition say active.
    const early = await createHold(deps, { ownerId: 'usr_a', amount: 10n, expiresInSeconds: 59.5 });
    const late = await createHold(deps, { ownerId: 'usr_a', amount: 20n, expiresInSeconds: 59.5 });
    later(59);
    expect((await getHold(deps, early.id)).status).toBe('active');
    expect((await captureHold(deps, { holdId: early.id, ownerId: 'usr_a' })).status).toBe('captured');
    later(0.5);
    expect((await getHold(deps, late.id)).status).toBe('expired');
    await expect(captureHold(deps, { holdId: late.id, ownerId: 'usr_a' })).rejects.toBeInstanceOf(
      HoldNotActiveError,
    );
    expect(account('usr_a')).toEqual({ balance: 90n, held: 20n, available: 70n });
  });

  it('resolves every lapsed hold once, returning its reservation, and leaves the others', async () => {
    const short = await createHold(deps, { ownerId: 'usr_a', amount: 10n, expiresInSeconds: 30 });
    const exact = await createHold(deps, { ownerId: 'usr_a', amount: 20n, expiresInSeconds: 60 });
    const long = await createHold(deps, { ownerId: 'usr_a', amount: 40n, expiresInSeconds: 61 });
    later(60);
    expect(await lapsedHoldTotal(deps, 'usr_a')).toBe(30n);
    expect(await resolveExpiredHolds(deps)).toBe(2);
    expect(await resolveExpiredHolds(deps)).toBe(0);
    expect(await lapsedHoldTotal(deps, 'usr_a')).toBe(0n);
    for (const id of [short.id, exact.id]) {
      expect(table.item({ pk: `HOLD#${id}`, sk: 'HOLD' })).toMatchObject({
        status: 'expired',
        resolvedAt: '2026-03-15T12:01:00.000Z',
      });
    }
    expect((await getHold(deps, long.id)).status).toBe('active');
    expect(account('usr_a')).toEqual({ balance: 100n, held: 40n, available: 60n });
  });

  it('resolves only the owner’s lapsed holds when one of their debits needs them', async () => {
    await grant(deps, { userId: 'usr_b', amount: 10n });
    await createHold(deps, { ownerId: 'usr_a', amount: 10n, expiresInSeconds: 1 });
    await createHold(deps, { ownerId: 'usr_b', amount: 10n, expiresInSeconds: 1 });
    later(1);
    expect(await resolveExpiredHoldsOf(deps, 'usr_a')).toBe(1);
    expect(await lapsedHoldTotal(deps, 'usr_b')).toBe(10n);
  });

  it('leaves a hold that was resolved meanwhile as it is, and does not count it', async () => {
    const hold = await createHold(deps, { ownerId: 'usr_a', amount: 10n, expiresInSeconds: 1 });
    const key = { pk: `HOLD#${hold.id}`, sk: 'HOLD' };
    // The index still lists it (as a query may, just after a capture), but it is captured.
    table.put({ ...table.item(key)!, status: 'captured' });
    later(5);
    expect(await resolveExpiredHolds(deps)).toBe(0);
    expect(table.item(key)).toMatchObject({ status: 'captured' });
    expect(account('usr_a')).toMatchObject({ held: 10n });
  });

  it('lets a transfer spend what a lapsed hold still reserved: it resolves the hold and tries again', async () => {
    await createHold(deps, { ownerId: 'usr_a', amount: 100n, expiresInSeconds: 1 });
    await expect(transfer(deps, { from: 'usr_a', to: 'usr_b', amount: 1n })).rejects.toBeInstanceOf(
      InsufficientFundsError,
    );
    later(1);
    await transfer(deps, { from: 'usr_a', to: 'usr_b', amount: 100n });
    expect(account('usr_a')).toEqual({ balance: 0n, held: 0n, available: 0n });
    expect(account('usr_b')).toEqual({ balance: 100n, held: 0n, available: 100n });
  });

  it('refuses a transfer that no lapsed hold can make room for', async () => {
    await createHold(deps, { ownerId: 'usr_a', amount: 50n, expiresInSeconds: 60 });
    await expect(transfer(deps, { from: 'usr_a', to: 'usr_b', amount: 51n })).rejects.toBeInstanceOf(
      InsufficientFundsError,
    );
  });
});

describe('Holds: contention', () => {
  it('retries a transaction that met a concurrent one, with growing waits, and gives up after the attempts', async () => {
    const hold = await createHold(deps, { ownerId: 'usr_a', amount: 30n, expiresInSeconds: 60 });
    table.failNext(2);
    expect((await captureHold(deps, { holdId: hold.id, ownerId: 'usr_a' })).status).toBe('captured');
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThanOrEqual(20);
    expect(sleeps[1]).toBeLessThanOrEqual(40);

    const next = await createHold(deps, { ownerId: 'usr_a', amount: 30n, expiresInSeconds: 60 });
    table.failNext(3);
    await expect(releaseHold(deps, { holdId: next.id, ownerId: 'usr_a' })).rejects.toBeInstanceOf(
      UnavailableError,
    );
    expect((await getHold(deps, next.id)).status).toBe('active');
  });
});

describe('Grants and transfers', () => {
  it('issues from mint and moves between users, the books summing to zero', async () => {
    await transfer(deps, { from: 'usr_a', to: 'usr_b', amount: 25n, memo: 'lunch' });
    expect(account('usr_a').balance + account('usr_b').balance + systemBalance('mint')).toBe(0n);
    expect(account('usr_b')).toEqual({ balance: 25n, held: 0n, available: 25n });
  });

  it('refuses a transfer to oneself and to someone who is not a user', async () => {
    await expect(transfer(deps, { from: 'usr_a', to: 'usr_a', amount: 1n })).rejects.toThrow(
      'A transfer needs two different accounts',
    );
    await expect(transfer(deps, { from: 'usr_a', to: 'usr_x', amount: 1n })).rejects.toBeInstanceOf(
      UnknownAccountError,
    );
    await expect(grant(deps, { userId: 'usr_x', amount: 1n })).rejects.toBeInstanceOf(UnknownAccountError);
  });
});

describe('Holds: as read back', () => {
  it('keeps a resolved hold’s status past its expiry, with what it captured', async () => {
    const hold = await createHold(deps, { ownerId: 'usr_a', amount: 30n, expiresInSeconds: 60 });
    const captured = await captureHold(deps, { holdId: hold.id, ownerId: 'usr_a', amount: 10n });
    later(3600);
    expect(await getHold(deps, hold.id)).toEqual({ ...captured, status: 'captured' });
    const released = await createHold(deps, { ownerId: 'usr_a', amount: 5n, expiresInSeconds: 60 });
    await releaseHold(deps, { holdId: released.id, ownerId: 'usr_a' });
    later(3600);
    expect(await getHold(deps, released.id)).toMatchObject({
      status: 'released',
      resolvedAt: expect.any(String),
    });
  });

  it('lists an owner’s holds newest first', async () => {
    const first = await createHold(deps, { ownerId: 'usr_a', amount: 1n, expiresInSeconds: 60 });
    later(1);
    const second = await createHold(deps, { ownerId: 'usr_a', amount: 2n, expiresInSeconds: 60 });
    const page = await listHolds(deps, 'usr_a', { limit: 10 });
    expect(page.items.map((h) => h.id)).toEqual([second.id, first.id].sort().reverse());
  });

  it('captures to revenue when the payee is named as revenue, with no user check', async () => {
    const hold = await createHold(deps, {
      ownerId: 'usr_a',
      amount: 3n,
      expiresInSeconds: 60,
      payee: 'revenue',
    });
    await captureHold(deps, { holdId: hold.id, ownerId: 'usr_a' });
    expect(systemBalance('revenue')).toBe(3n);
    const entry = [...table.items.values()].find((item) => item.type === 'entry' && item.holdId === hold.id);
    expect(entry).toMatchObject({ reason: 'hold_capture', amount: 3n });
  });

  it('refuses a capture that a release beat between the read and the write', async () => {
    const hold = await createHold(deps, { ownerId: 'usr_a', amount: 30n, expiresInSeconds: 60 });
    const send = table.doc.send.bind(table.doc);
    table.doc.send = (async (command: object) => {
      const result = await send(command as never);
      // Right after the capture read the hold: another request releases it.
      if (command.constructor.name === 'GetCommand') {
        table.doc.send = send;
        await releaseHold(deps, { holdId: hold.id, ownerId: 'usr_a' });
      }
      return result;
    }) as never;
    await expect(captureHold(deps, { holdId: hold.id, ownerId: 'usr_a' })).rejects.toThrow(
      'The hold is released',
    );
    expect(account('usr_a')).toEqual({ balance: 100n, held: 0n, available: 100n });
  });

  it('names the payee field when the payee is not a user', async () => {
    const refused = createHold(deps, {
      ownerId: 'usr_a',
      amount: 1n,
      expiresInSeconds: 60,
      payee: 'usr_nobody',
    });
    await expect(refused).rejects.toMatchObject({ errors: [{ path: 'body.payeeId' }] });
  });
});

describe('Holds: the sweep', () => {
  it('reads every page of lapsed holds', async () => {
    table.pageSize = 2;
    for (let i = 0; i < 5; i++) await createHold(deps, { ownerId: 'usr_a', amount: 1n, expiresInSeconds: 1 });
    later(1);
    expect(await resolveExpiredHoldsOf(deps, 'usr_a')).toBe(5);
  });

  it('fails the sweep on an error that is not a hold resolved meanwhile', async () => {
    await createHold(deps, { ownerId: 'usr_a', amount: 1n, expiresInSeconds: 1 });
    later(1);
    table.failNext(10);
    await expect(resolveExpiredHolds(deps)).rejects.toBeInstanceOf(UnavailableError);
  });
});

describe('Transfers and expired holds', () => {
  it('refuses a transfer to a non-user without touching the payer’s lapsed holds', async () => {
    const hold = await createHold(deps, { ownerId: 'usr_a', amount: 10n, expiresInSeconds: 1 });
    later(1);
    await expect(transfer(deps, { from: 'usr_a', to: 'usr_x', amount: 1n })).rejects.toMatchObject({
      errors: [{ path: 'body.to' }],
    });
    expect(table.item({ pk: `HOLD#${hold.id}`, sk: 'HOLD' })).toMatchObject({ status: 'active' });
    await expect(grant(deps, { userId: 'usr_x', amount: 1n })).rejects.toMatchObject({
      errors: [{ path: 'body.userId' }],
    });
  });

  it('records why money moved: grant and transfer', async () => {
    const moved = await transfer(deps, { from: 'usr_a', to: 'usr_b', amount: 5n });
    expect(moved.reason).toBe('transfer');
    const reasons = [...table.items.values()]
      .filter((item) => item.type === 'entry')
      .map((item) => item.reason);
    expect(new Set(reasons)).toEqual(new Set(['grant', 'transfer']));
  });
});
