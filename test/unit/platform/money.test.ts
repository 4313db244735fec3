import { describe, expect, it } from 'vitest';
import { amountSchema, applyRatePpm, formatFtns, formatPercent, parseFtns } from '#platform/money.js';

describe('Money: amounts in requests', () => {
  it.each([
    ['29.99', 29_990_000n],
    ['0.000001', 1n],
    ['1000000000', 1_000_000_000_000_000n],
    ['7', 7_000_000n],
  ])('parses %s as %s micro-FTNS', (text, micro) => {
    expect(amountSchema.parse(text)).toBe(micro);
  });

  it.each([
    ['more than 6 decimals', '0.1234567'],
    ['a negative amount', '-1'],
    ['exponent notation', '1e3'],
    ['a number instead of a string', 12.5],
    ['an empty string', ''],
    ['letters', 'abc'],
    ['zero', '0'],
    ['above 1,000,000,000 FTNS', '1000000000.000001'],
    ['a leading zero', '01'],
    ['a trailing dot', '1.'],
  ])('rejects %s', (_what, value) => {
    expect(amountSchema.safeParse(value).success).toBe(false);
  });

  it('leaves text that is not a plain decimal unparsed', () => {
    expect(parseFtns(' 1')).toBeUndefined();
    expect(parseFtns('1,5')).toBeUndefined();
  });
});

describe('Money: amounts in answers', () => {
  it.each([
    [175_000_000n, '175.00'],
    [29_990_000n, '29.99'],
    [1n, '0.000001'],
    [123_450_000n, '123.45'],
    [100_500n, '0.1005'],
    [-2_500_000n, '-2.50'],
    [0n, '0.00'],
  ])('formats %s micro-FTNS as %s', (micro, text) => {
    expect(formatFtns(micro)).toBe(text);
  });

  it('round-trips every formatted amount', () => {
    for (const micro of [1n, 10n, 999_999n, 1_000_000n, 123_456_789n])
      expect(parseFtns(formatFtns(micro))).toBe(micro);
  });
});

describe('Money: percentages and rates', () => {
  it.each([
    [76n, 150n, '50.7'],
    [15n, 150n, '10.0'],
    [2_350n, 15_000n, '15.7'],
    [1n, 3n, '33.3'],
    [2n, 3n, '66.7'],
    [1n, 2_000n, '0.1'], // 0.05 rounds half-up
    [0n, 0n, '0.0'],
  ])('%s / %s is %s %%', (part, whole, text) => {
    expect(formatPercent(part, whole)).toBe(text);
  });

  it('takes a 2.5 % fee rounded half-up to a whole micro-FTNS', () => {
    expect(applyRatePpm(29_990_000n, 25_000n)).toBe(749_750n);
    expect(applyRatePpm(20n, 25_000n)).toBe(1n); // 0.5 rounds up
    expect(applyRatePpm(19n, 25_000n)).toBe(0n); // 0.475 rounds down
  });
});
