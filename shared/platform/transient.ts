import { UnavailableError } from './errors.js';

/**
 * Failures of a dependency that a retry may cure: throttling, 5xx answers, timeouts, dropped
 * connections. The SDK has already retried them (with backoff) when they reach us; the client
 * is told to retry later (503 with Retry-After) rather than shown a 500.
 */
const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TransactionInProgressException',
  'SlowDown',
]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const details = error as Error & {
    code?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  return (
    TRANSIENT_NAMES.has(error.name) ||
    (details.code !== undefined && TRANSIENT_CODES.has(details.code)) ||
    details.$retryable !== undefined ||
    (details.$metadata?.httpStatusCode ?? 0) >= 500
  );
}

export const unavailableFor = (error: unknown): UnavailableError =>
  new UnavailableError(`A dependency failed (${(error as Error).name}); retry shortly`, 1);
