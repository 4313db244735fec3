/**
 * Seconds to wait before each retry, after the first attempt: Standard Webhooks' suggested
 * schedule, 8 attempts over 27 h 35 min. `PRSM_WEBHOOK_RETRY_DELAYS` (comma-separated seconds)
 * replaces it, so tests retry in seconds instead of hours.
 */
export const DEFAULT_RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000] as const;

/** SQS's longest message delay: a longer wait is several hops of at most this. */
export const MAX_SQS_DELAY_SECONDS = 900;

export function retryDelays(value = process.env.PRSM_WEBHOOK_RETRY_DELAYS): number[] {
  if (!value) return [...DEFAULT_RETRY_DELAYS_SECONDS];
  const delays = value.split(',').map((part) => Number(part.trim()));
  if (delays.some((delay) => !Number.isInteger(delay) || delay < 0)) {
    throw new Error('PRSM_WEBHOOK_RETRY_DELAYS must be comma-separated whole seconds');
  }
  return delays;
}

/** The wait before attempt `attempt + 1`, or null when `attempt` was the last one. */
export const delayAfter = (delays: readonly number[], attempt: number): number | null =>
  delays[attempt - 1] ?? null;

/** The SQS delay of the next hop towards `notBefore`: never more than SQS allows. */
export const hopDelaySeconds = (notBefore: Date, now: Date): number =>
  Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil((notBefore.getTime() - now.getTime()) / 1000)));
