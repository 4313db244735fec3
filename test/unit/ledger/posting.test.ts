import { describe, expect, it } from 'vitest';
import { type TransactItem, Transaction } from '#platform/transaction.js';
import { accountItemKey, balanceIndexOf } from '#shared/ledger/account.js';
import { InsufficientFundsError } from '#shared/ledger/errors.js';
import { entryPartition, Posting } from '#shared/ledger/posting.js';
import { memoryTable } from '../../support/memory-table.js';

const NOW = new Date('2026-03-15T12:00:00Z');

/** The legs a posting adds, read back from a transaction that is never committed. */
function legsOf(posting: Posting): TransactItem[] {
  const legs: TransactItem[] = [];
  const tx = {
    add(item: TransactItem) {
      legs.push(item);
      return tx;
    },
  } as unknown as Transaction;
  posting.applyTo(tx, 'table');
  return legs;
}
const updates = (legs: TransactItem[]) => legs.filter((leg) => leg.Update).map((leg) => leg.Update!);
const updateOf = (legs: TransactItem[], pk: string) => updates(legs).find((u) => u.Key?.pk === pk);

describe('Posting: movements', () => {
  it('refuses an amount that is not positive, and a movement to the same account', () => {
    const posting = new Posting(NOW);
    expect(() => posting.move({ from: 'usr_a', to: 'usr_b', amount: 0n, reason: 'transfer' })).toThrow(
      'a transfer moves a positive amount',
    );
    expect(() => posting.move({ from: 'usr_a', to: 'usr_b', amount: -1n, reason: 'transfer' })).toThrow();
    expect(() => posting.move({ from: 'usr_a', to: 'usr_a', amount: 1n, reason: 'transfer' })).toThrow(
      'a transfer needs two accounts',
    );
    expect(posting.transfers).toEqual([]);
  });

  it('records each movement as a transfer with an id and the posting time', () => {
    const posting = new Posting(NOW);
    const first = posting.move({
      from: 'usr_a',
      to: 'usr_b',
      amount: 5n,
      reason: 'transfer',
      memo: 'thanks',
    });
    const second = posting.move({
      id: 'tr_given',
      from: 'usr_a',
      to: 'fees',
      amount: 1n,
      reason: 'order_fee',
    });
    expect(first).toMatchObject({
      from: 'usr_a',
      to: 'usr_b',
      amount: 5n,
      memo: 'thanks',
      createdAt: NOW.toISOString(),
    });
    expect(first.id).toMatch(/^tr_/);
    expect(second.id).toBe('tr_given');
    expect(posting.transfers).toEqual([first, second]);
  });
});

describe('Posting: netting', () => {
  it('nets every movement of one account into one update, conditioned on what it needs', () => {
    const posting = new Posting(NOW);
    posting.move({ from: 'usr_a', to: 'usr_b', amount: 30n, reason: 'transfer' });
    posting.move({ from: 'usr_a', to: 'usr_c', amount: 20n, reason: 'transfer' });
    posting.move({ from: 'usr_c', to: 'usr_a', amount: 5n, reason: 'transfer' });
    const legs = legsOf(posting);
    expect(updates(legs)).toHaveLength(3);
    expect(updateOf(legs, 'ACCOUNT#usr_a')).toMatchObject({
      ConditionExpression: 'available >= :need',
      ExpressionAttributeValues: { ':b': -45n, ':h': 0n, ':a': -45n, ':need': 45n },
    });
    const credited = updateOf(legs, 'ACCOUNT#usr_b')!;
    expect(credited.ExpressionAttributeValues).toMatchObject({ ':b': 30n, ':h': 0n, ':a': 30n });
    expect(credited.ConditionExpression).toBeUndefined();
    expect(credited.ExpressionAttributeValues).not.toHaveProperty(':need');
    // 20 in, 5 out: a net credit needs no condition.
    expect(updateOf(legs, 'ACCOUNT#usr_c')).toMatchObject({
      ExpressionAttributeValues: { ':b': 15n, ':a': 15n },
    });
    expect(updateOf(legs, 'ACCOUNT#usr_c')!.ConditionExpression).toBeUndefined();
  });

  it('nets a hold and its release to nothing: no update for that account', () => {
    const posting = new Posting(NOW).hold('usr_a', 10n).unhold('usr_a', 10n);
    expect(legsOf(posting)).toEqual([]);
  });

  it('reserves with a hold (held up, available down) and needs the funds for it', () => {
    const legs = legsOf(new Posting(NOW).hold('usr_a', 10n));
    expect(updateOf(legs, 'ACCOUNT#usr_a')).toMatchObject({
      ConditionExpression: 'available >= :need',
      ExpressionAttributeValues: { ':b': 0n, ':h': 10n, ':a': -10n, ':need': 10n },
    });
  });

  it('captures part of a hold: the release covers the debit, so no funds are needed beyond it', () => {
    const posting = new Posting(NOW).unhold('usr_a', 10n);
    posting.move({ from: 'usr_a', to: 'revenue', amount: 7n, reason: 'hold_capture' });
    const update = updateOf(legsOf(posting), 'ACCOUNT#usr_a')!;
    expect(update.ExpressionAttributeValues).toMatchObject({ ':b': -7n, ':h': -10n, ':a': 3n });
    expect(update.ConditionExpression).toBeUndefined();
  });

  it('adds to a shard of a system account with no floor and no holds', () => {
    const posting = new Posting(NOW);
    posting.move({ from: 'mint', to: 'usr_a', amount: 100n, reason: 'grant' });
    const mint = updates(legsOf(posting)).find((u) => String(u.Key?.pk).startsWith('ACCOUNT#mint#'))!;
    expect(mint.Key?.pk).toMatch(/^ACCOUNT#mint#[0-7]$/);
    expect(mint.UpdateExpression).toContain('ADD balance :b');
    expect(mint.ConditionExpression).toBeUndefined();
    expect(mint.ExpressionAttributeValues).toMatchObject({
      ':id': 'mint',
      ':b': -100n,
      ':now': NOW.toISOString(),
    });
    expect(mint.ExpressionAttributeValues?.[':g1pk']).toMatch(/^BALANCES#\d+$/);
    expect(mint.ExpressionAttributeValues?.[':g1sk']).toBe(mint.Key?.pk);
  });

  it('writes a debit and a credit entry per transfer, each only once', () => {
    const posting = new Posting(NOW);
    const moved = posting.move({ from: 'mint', to: 'usr_a', amount: 100n, reason: 'grant' });
    const puts = legsOf(posting)
      .filter((leg) => leg.Put)
      .map((leg) => leg.Put!);
    expect(puts.map((p) => [p.Item?.pk, p.Item?.side])).toEqual([
      ['ENTRIES#mint#2026-03-15', 'debit'],
      ['ENTRIES#usr_a', 'credit'],
    ]);
    for (const put of puts) {
      expect(put.Item).toMatchObject({ sk: `ENTRY#${moved.id}`, type: 'entry', ...moved });
      expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
    }
  });

  it('keys a user’s account item by the user, and lists every account in one of 16 index partitions', () => {
    expect(accountItemKey('usr_x')).toEqual({ pk: 'ACCOUNT#usr_x', sk: 'ACCOUNT' });
    expect(accountItemKey('fees', 3)).toEqual({ pk: 'ACCOUNT#fees#3', sk: 'ACCOUNT' });
    const partitions = new Set(
      Array.from({ length: 200 }, (_, i) => balanceIndexOf(`ACCOUNT#usr_${i}`).gsi1pk),
    );
    expect([...partitions].sort()).toEqual(Array.from({ length: 16 }, (_, i) => `BALANCES#${i}`).sort());
  });

  it('puts a system account’s entries in one partition per day and a user’s in their own', () => {
    expect(entryPartition('fees', new Date('2026-12-31T23:59:59Z'))).toBe('ENTRIES#fees#2026-12-31');
    expect(entryPartition('usr_x', NOW)).toBe('ENTRIES#usr_x');
  });
});

describe('Posting: committed', () => {
  it('creates accounts on first credit, and refuses a debit the available balance does not cover', async () => {
    const table = memoryTable();
    const grant = new Posting(NOW);
    grant.move({ from: 'mint', to: 'usr_a', amount: 100n, reason: 'grant' });
    await grant.applyTo(new Transaction(table), table.name).commit();
    expect(table.item(accountItemKey('usr_a'))).toMatchObject({ balance: 100n, held: 0n, available: 100n });

    const spend = new Posting(NOW).hold('usr_a', 60n);
    spend.move({ from: 'usr_a', to: 'usr_b', amount: 41n, reason: 'transfer' });
    const refused = spend.applyTo(new Transaction(table), table.name).commit();
    await expect(refused).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(refused).rejects.toMatchObject({ accountId: 'usr_a' });
    expect(table.item(accountItemKey('usr_a'))).toMatchObject({ balance: 100n, available: 100n });
    expect(table.item(accountItemKey('usr_b'))).toBeUndefined();

    const exact = new Posting(NOW).hold('usr_a', 60n);
    exact.move({ from: 'usr_a', to: 'usr_b', amount: 40n, reason: 'transfer' });
    await exact.applyTo(new Transaction(table), table.name).commit();
    expect(table.item(accountItemKey('usr_a'))).toMatchObject({ balance: 60n, held: 60n, available: 0n });
    expect(table.item(accountItemKey('usr_b'))).toMatchObject({ balance: 40n, held: 0n, available: 40n });
  });
});
