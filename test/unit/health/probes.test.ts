import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { systemClock } from '#platform/clock.js';
import type { Table } from '#platform/table.js';
import { defaultRetry } from '#platform/transaction.js';
import type { CapabilityProbes, ProbeDeps } from '#shared/health/probe-deps.js';
import { invariantsOutcome } from '#shared/health/probes/ledger.js';
import { capabilityProbes, checksOf } from '#shared/health/probes.js';

/** Building the checks touches nothing: clients are only used when a check runs. */
const deps: ProbeDeps = {
  table: { name: 'table' } as Table,
  clock: systemClock,
  retry: defaultRetry,
  s3: {} as S3Client,
  bucketName: 'bucket',
  sqs: {} as SQSClient,
  queueUrls: { notifications: 'http://q/notifications', 'notifications-dlq': 'http://q/notifications-dlq' },
};

describe('Health: the probes of every capability', () => {
  it('checks each capability that exists, by group, with unique names', () => {
    expect(capabilityProbes.map((probe) => probe.capability)).toEqual(
      expect.arrayContaining(['platform', 'identity', 'ledger', 'budgets']),
    );
    const byGroup = (group: string) =>
      checksOf(deps)
        .filter((check) => check.group === group)
        .map((check) => check.name);
    expect(byGroup('components')).toEqual(expect.arrayContaining(['identity', 'ledger', 'budgets']));
    expect(byGroup('dependencies')).toEqual(
      expect.arrayContaining(['dynamodb', 's3', 'sqs:notifications', 'sqs:notifications-dlq']),
    );
    expect(byGroup('integrations')).toEqual(
      expect.arrayContaining([
        'dlqs-empty',
        'ledger-invariants',
        'ledger-expired-holds',
        'budgets-consistency',
      ]),
    );
  });

  it('refuses two checks with one name (their metrics would merge)', () => {
    const twice: CapabilityProbes = {
      capability: 'twice',
      checks: () => [
        { name: 'same', group: 'components', run: async () => ({ status: 'healthy', detail: '' }) },
        { name: 'same', group: 'integrations', run: async () => ({ status: 'healthy', detail: '' }) },
      ],
    };
    expect(() => checksOf(deps, [twice])).toThrow('two checks are named same');
  });
});

describe('Health: ledger invariants', () => {
  const audit = { sumOfBalances: 0n, accounts: 12, negativeBalances: [], heldMismatches: [], checkedAt: '' };

  it('is healthy when the balances sum to exactly zero and none is negative', () => {
    expect(invariantsOutcome(audit)).toEqual({
      status: 'healthy',
      detail: '12 account items sum to exactly 0; no user balance is negative; held matches the active holds',
    });
  });

  it('is down with the sum when the books do not balance', () => {
    expect(invariantsOutcome({ ...audit, sumOfBalances: 1n })).toEqual({
      status: 'down',
      detail: 'the 12 account items sum to 0.000001, not 0',
      moneyInvariantBroken: true,
    });
  });

  it('is a broken invariant when held is not the sum of the active holds, naming the account', () => {
    const heldMismatches = [{ accountId: 'usr_h', held: 4_000_000n, activeHolds: 3_000_000n }];
    expect(invariantsOutcome({ ...audit, heldMismatches })).toEqual({
      status: 'down',
      detail: 'held is not the sum of active holds: usr_h (held 4.00, active holds 3.00)',
      moneyInvariantBroken: true,
    });
  });

  it('names the negative accounts, five at most', () => {
    const negativeBalances = Array.from({ length: 7 }, (_, i) => ({
      accountId: `usr_${i}`,
      balance: -1_000_000n,
      available: -1_000_000n,
    }));
    const { status, detail, moneyInvariantBroken } = invariantsOutcome({
      ...audit,
      sumOfBalances: -7_000_000n,
      negativeBalances,
    });
    expect(status).toBe('down');
    expect(moneyInvariantBroken).toBe(true);
    expect(detail).toBe(
      'the 12 account items sum to -7.00, not 0; negative user balance: ' +
        [0, 1, 2, 3, 4].map((i) => `usr_${i} (balance -1.00, available -1.00)`).join(', ') +
        ' and 2 more',
    );
  });
});
