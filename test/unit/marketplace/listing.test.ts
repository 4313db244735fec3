import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageRating } from '#functions/marketplace/views.js';
import { priceLine } from '#shared/marketplace/checkout.js';
import { type Grants, nextPeriod, statusOf } from '#shared/marketplace/entitlement.js';
import {
  catalogueScope,
  type Listing,
  listingWrites,
  priceSortKey,
  ratingScaledOf,
  ratingSortKey,
  scopesOf,
} from '#shared/marketplace/listing.js';

const listing = (overrides: Partial<Listing> = {}): Listing => ({
  id: 'lst_1',
  sellerId: 'usr_s',
  type: 'dataset',
  title: 'T',
  description: 'D',
  tags: ['a', 'b'],
  price: 29_990_000n,
  pricingModel: 'one_time',
  qualityGrade: 'community',
  status: 'active',
  metadata: {},
  ratingCount: 0,
  ratingSum: 0,
  version: 1,
  firstSoldAt: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  ...overrides,
});

describe('Fees: priceLine', () => {
  it('takes 2.5 % of each line, half-up to a whole micro-FTNS, from the seller', () => {
    expect(priceLine(listing({ price: 29_990_000n }), 25_000n)).toMatchObject({
      fee: 749_750n,
      proceeds: 29_240_250n,
    });
    expect(priceLine(listing({ price: 20n }), 25_000n)).toMatchObject({ fee: 1n, proceeds: 19n }); // 0.5 rounds up
    expect(priceLine(listing({ price: 19n }), 25_000n)).toMatchObject({ fee: 0n, proceeds: 19n }); // 0.475 rounds down
  });

  it('always splits a price exactly into fee and proceeds, the fee within half a micro-FTNS of the rate', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        (price, ppm) => {
          const line = priceLine(listing({ price }), ppm);
          expect(line.fee + line.proceeds).toBe(price);
          const exact2 = price * ppm * 2n; // twice the exact fee, in millionths of a micro-FTNS
          expect(
            line.fee * 2_000_000n - exact2 <= 1_000_000n && exact2 - line.fee * 2_000_000n < 1_000_000n,
          ).toBe(true);
        },
      ),
    );
  });
});

describe('Catalogue keys', () => {
  it('orders prices as strings in numeric order', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        (a, b) => {
          expect(priceSortKey(a) < priceSortKey(b)).toBe(a < b);
        },
      ),
    );
  });

  it('orders ratings by their average, computed from integers', () => {
    expect(ratingScaledOf(13, 3)).toBe(43_333);
    expect(ratingScaledOf(0, 0)).toBe(0);
    expect(ratingSortKey(ratingScaledOf(5, 1)) > ratingSortKey(ratingScaledOf(49, 10))).toBe(true);
    expect(averageRating(13, 3)).toBe('4.33');
    expect(averageRating(9, 2)).toBe('4.50');
    expect(averageRating(2, 3)).toBe('0.67');
    expect(averageRating(0, 0)).toBeNull();
  });

  it('puts an active listing in the whole catalogue, its type, each tag and each type and tag', () => {
    expect(scopesOf(listing())).toEqual([
      'ALL',
      'TYPE#dataset',
      'TAG#a',
      'TAG#b',
      'TYPE#dataset#TAG#a',
      'TYPE#dataset#TAG#b',
    ]);
    expect(catalogueScope({ type: 'dataset', tag: 'a' })).toBe('TYPE#dataset#TAG#a');
  });

  it('writes entries only while active, and deletes those a change leaves', () => {
    const kinds = (legs: ReturnType<typeof listingWrites>) =>
      legs.map((leg) =>
        leg.item.Put ? `put ${leg.item.Put.Item!.sk}` : `delete ${leg.item.Delete!.Key!.sk}`,
      );
    expect(kinds(listingWrites('t', undefined, listing({ status: 'draft' })))).toEqual(['put LISTING']);
    const before = listing();
    expect(kinds(listingWrites('t', before, { ...before, tags: ['b', 'c'], version: 2 }))).toEqual([
      'put LISTING',
      'put ENTRY#ALL',
      'put ENTRY#TYPE#dataset',
      'put ENTRY#TAG#b',
      'put ENTRY#TAG#c',
      'put ENTRY#TYPE#dataset#TAG#b',
      'put ENTRY#TYPE#dataset#TAG#c',
      'delete ENTRY#TAG#a',
      'delete ENTRY#TYPE#dataset#TAG#a',
    ]);
    expect(kinds(listingWrites('t', before, { ...before, status: 'retired', version: 2 }))).toHaveLength(7);
  });
});

describe('Entitlements', () => {
  const now = new Date('2025-06-01T00:00:00Z');
  const day = 86_400_000;
  const none: Grants = { oneTime: 0, free: 0, uses: 0, periods: new Map(), periodsVersion: null };
  const period = (fromDays: number, untilDays: number) => ({
    fromMs: now.getTime() + fromDays * day,
    untilMs: now.getTime() + untilDays * day,
  });
  const subscribed = (...periods: { fromMs: number; untilMs: number }[]): Grants => ({
    ...none,
    periods: new Map(periods.map((p, i) => [`ord_${i}`, p])),
    periodsVersion: periods.length,
  });

  it('is active while any grant is valid, pending before a paid period, expired after, revoked with none', () => {
    expect(statusOf(none, now)).toBe('revoked');
    expect(statusOf({ ...none, oneTime: 1 }, now)).toBe('active');
    expect(statusOf({ ...none, free: 1 }, now)).toBe('active');
    expect(statusOf({ ...none, uses: 2 }, now)).toBe('active');
    expect(statusOf(subscribed(period(-1, 29)), now)).toBe('active');
    expect(statusOf(subscribed(period(-30, 0)), now)).toBe('expired');
    expect(statusOf(subscribed(period(1, 31)), now)).toBe('pending');
    // A lapsed subscription does not hide a one-time purchase of the same listing.
    expect(statusOf({ ...subscribed(period(-30, 0)), oneTime: 1 }, now)).toBe('active');
  });

  it('starts a new period at the end of the last paid one, or now when none runs', () => {
    expect(nextPeriod(subscribed(period(-29, 1), period(1, 31)), now)).toEqual(period(31, 61));
    expect(nextPeriod(subscribed(period(-31, -1)), now)).toEqual(period(0, 30));
    expect(nextPeriod(undefined, now)).toEqual(period(0, 30));
  });
});
