import * as z from 'zod';

/** FTNS amounts are integer micro-FTNS (bigint); the API speaks decimal strings. */
export type Micro = bigint;

export const MICRO_PER_FTNS = 1_000_000n;
export const MAX_AMOUNT: Micro = 1_000_000_000n * MICRO_PER_FTNS;

const DECIMAL = /^(0|[1-9]\d{0,9})(\.\d{1,6})?$/;

/** Parses "29.99" into 29_990_000n; undefined when the text is not a plain decimal. */
export function parseFtns(text: string): Micro | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const [whole = '0', fraction = ''] = text.split('.');
  return BigInt(whole) * MICRO_PER_FTNS + BigInt(fraction.padEnd(6, '0'));
}

/** Formats micro-FTNS with at least two and at most six decimals: 175_000_000n -> "175.00". */
export function formatFtns(amount: Micro): string {
  const sign = amount < 0n ? '-' : '';
  const abs = amount < 0n ? -amount : amount;
  const whole = abs / MICRO_PER_FTNS;
  const fraction = (abs % MICRO_PER_FTNS)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${sign}${whole}.${fraction.padEnd(2, '0')}`;
}

/** `part / whole` as a percentage with one decimal, rounded half-up: (76, 150) -> "50.7". */
export function formatPercent(part: bigint, whole: bigint): string {
  if (whole === 0n) return '0.0';
  const negative = part < 0n !== whole < 0n && part !== 0n;
  const p = part < 0n ? -part : part;
  const w = whole < 0n ? -whole : whole;
  const tenths = (p * 1000n * 2n + w) / (2n * w);
  return `${negative ? '-' : ''}${tenths / 10n}.${tenths % 10n}`;
}

/** `amount * ratePpm / 1_000_000`, rounded half-up to a whole micro-FTNS. */
export function applyRatePpm(amount: Micro, ratePpm: bigint): Micro {
  return (amount * ratePpm * 2n + 1_000_000n) / 2_000_000n;
}

const ftnsString = z
  .string()
  .meta({ description: 'FTNS as a decimal string with at most 6 decimals', example: '29.99' });

/** An amount of FTNS in a request: a positive decimal string up to 1,000,000,000 FTNS. */
export const amountSchema = ftnsString.transform((text, ctx) => {
  const micro = parseFtns(text);
  if (micro === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a decimal string with at most 6 decimals, e.g. "29.99"',
    });
    return z.NEVER;
  }
  if (micro <= 0n) {
    ctx.addIssue({ code: 'custom', message: 'must be greater than zero' });
    return z.NEVER;
  }
  if (micro > MAX_AMOUNT) {
    ctx.addIssue({ code: 'custom', message: 'must be at most 1000000000 FTNS' });
    return z.NEVER;
  }
  return micro;
});
