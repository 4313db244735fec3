import { describe, expect, it } from 'vitest';
import { bucketStart, spendBuckets, spendPage } from '#shared/budgets/spend.js';

const charge = (createdAt: string, micro: bigint) => ({ createdAt, amount: micro });

const CHARGES = [
  charge('2026-03-02T09:59:59.999Z', 1_500_000n),
  charge('2026-03-01T23:10:00.000Z', 250_000n),
  charge('2026-03-02T10:00:00.000Z', 10_000_001n),
  charge('2026-03-02T10:45:00.000Z', -500_000n), // a refund
  charge('2026-03-04T00:00:00.000Z', 1n),
];

describe('Spend buckets', () => {
  it('starts a bucket at the UTC day or hour a charge falls in', () => {
    expect(bucketStart('2026-03-02T09:59:59.999Z', 'day')).toBe('2026-03-02T00:00:00.000Z');
    expect(bucketStart('2026-03-02T09:59:59.999Z', 'hour')).toBe('2026-03-02T09:00:00.000Z');
  });

  it('sums charges and refunds per day exactly, oldest first, leaving empty days out', () => {
    expect(spendPage(CHARGES, 'day', { limit: 10 })).toEqual({
      items: [
        { start: '2026-03-01T00:00:00.000Z', amount: 250_000n, charges: 1 },
        { start: '2026-03-02T00:00:00.000Z', amount: 11_000_001n, charges: 3 },
        { start: '2026-03-04T00:00:00.000Z', amount: 1n, charges: 1 },
      ],
      nextCursor: null,
    });
  });

  it('keeps every hour apart', () => {
    const hours = spendBuckets(CHARGES, 'hour');
    expect(hours.map((b) => [b.start, b.amount])).toContainEqual(['2026-03-02T10:00:00.000Z', 9_500_001n]);
    expect(hours).toHaveLength(4);
  });

  it('pages through the buckets with the cursor and misses none', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = spendPage(CHARGES, 'hour', { limit: 1, cursor });
      seen.push(...page.items.map((b) => b.start));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(
      spendBuckets(CHARGES, 'hour')
        .map((b) => b.start)
        .sort(),
    );
  });
});
