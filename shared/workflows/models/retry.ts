import type { TransportFailure } from './transport.js';

/**
 * Retries of one exchange: bounded attempts, exponential backoff with full jitter, the server's
 * Retry-After honoured (a longer one than we are willing to wait ends the request instead).
 * Sleep and randomness are injected so tests never wait on wall time.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After above this is not waited for: the request fails as rate limited. */
  maxRetryAfterMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

export const abortableSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  sleep: abortableSleep,
  random: Math.random,
};

/** How long to wait before attempt `attempt + 1`, or null to give up now. */
export function delayBeforeRetry(
  failure: TransportFailure,
  attempt: number,
  policy: RetryPolicy,
): number | null {
  if (!failure.retryable || attempt >= policy.maxAttempts) return null;
  if (failure.retryAfterMs !== null) {
    return failure.retryAfterMs <= policy.maxRetryAfterMs ? failure.retryAfterMs : null;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(policy.random() * ceiling);
}
