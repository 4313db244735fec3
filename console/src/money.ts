/**
 * FTNS figures stay the API's decimal strings: formatting is string work, sums and comparisons
 * go through bigint micro-FTNS. The one float in the console is a chart's y coordinate
 * (`plotY`): where a point is drawn, never a figure shown.
 */
const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,6}))?$/;

export function toMicro(amount: string): bigint {
  const match = DECIMAL.exec(amount.trim());
  if (!match) throw new Error(`not an FTNS amount: ${amount}`);
  const [, sign, whole, fraction = ''] = match;
  const micro = BigInt(whole!) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
  return sign ? -micro : micro;
}

export function fromMicro(micro: bigint): string {
  const sign = micro < 0n ? '-' : '';
  const abs = micro < 0n ? -micro : micro;
  const fraction = (abs % 1_000_000n)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${sign}${abs / 1_000_000n}.${fraction.padEnd(2, '0')}`;
}

export const isAmount = (text: string): boolean => DECIMAL.test(text.trim());

/** "12345.5" -> "12,345.50": thousands separated, at least two decimals, every digit kept. */
export function formatFtns(amount: string): string {
  const match = DECIMAL.exec(amount);
  if (!match) return amount;
  const [, sign, whole, fraction = ''] = match;
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}.${fraction.padEnd(2, '0')}`;
}

/** A bar's width from the API's one-decimal percentage ("50.7"), capped at 100, as CSS text. */
export function barWidth(percent: string | null): string {
  if (!percent || !/^-?\d+(\.\d)?$/.test(percent) || percent.startsWith('-')) return '0%';
  const tenths = BigInt(percent.replace('.', '')) * (percent.includes('.') ? 1n : 10n);
  return tenths >= 1000n ? '100%' : `${percent}%`;
}

/** The percentage as tenths, to compare without floats ("90.0" -> 900). */
export const percentTenths = (percent: string | null): number =>
  percent && /^\d+(\.\d)?$/.test(percent)
    ? Number(percent.includes('.') ? percent.replace('.', '') : `${percent}0`)
    : 0;

/** Where a point is drawn: the chart's y coordinate only (see the module comment). */
export const plotY = (amount: string): number => Number(amount);
