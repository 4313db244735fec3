import { describe, expect, it } from 'vitest';
import { amountSchema, formatFtns, formatPercent } from '#platform/money.js';

describe('Money: signs', () => {
  it.each([
    [-76n, 150n, '-50.7'],
    [76n, -150n, '-50.7'],
    [-76n, -150n, '50.7'],
    [0n, -150n, '0.0'],
    [-1n, 2_000n, '-0.1'], // half-up on the magnitude
    [300n, 150n, '200.0'],
  ])('%s / %s is %s %%', (part, whole, text) => {
    expect(formatPercent(part, whole)).toBe(text);
  });

  it('formats a negative amount by its magnitude with a minus sign', () => {
    expect(formatFtns(-1n)).toBe('-0.000001');
    expect(formatFtns(-1_000_000n)).toBe('-1.00');
    expect(formatFtns(-100_500n)).toBe('-0.1005');
  });
});

describe('Money: why an amount is refused', () => {
  const issue = (value: unknown) => {
    const result = amountSchema.safeParse(value);
    if (result.success) throw new Error(`${String(value)} was accepted`);
    return result.error.issues.map(({ code, message }) => ({ code, message }));
  };

  it.each([
    ['1.1234567', 'must be a decimal string with at most 6 decimals, e.g. "29.99"'],
    ['0', 'must be greater than zero'],
    ['0.000000', 'must be greater than zero'],
    ['1000000000.000001', 'must be at most 1000000000 FTNS'],
  ])('refuses %s: %s', (value, message) => {
    expect(issue(value)).toEqual([{ code: 'custom', message }]);
  });
});
