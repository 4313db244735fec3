import { IDEMPOTENT_ROUTES } from './generated/idempotent-routes.js';

export interface RetryOptions {
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** The longest wait between attempts, whatever Retry-After asks (default 30 s). */
  maxDelayMs?: number;
  /** Waits; tests pass one that records the delays instead. */
  sleep?: (ms: number) => Promise<void>;
  /** Makes the Idempotency-Key of a money request that came without one. */
  newKey?: () => string;
}

const RETRIED = new Set([429, 503]);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const IDEMPOTENCY_KEY = 'idempotency-key';

const templates = IDEMPOTENT_ROUTES.map((route) => ({
  method: route.method,
  pattern: new RegExp(`${route.path.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** Whether the contract gives this request an Idempotency-Key (a money route). */
export const takesIdempotencyKey = (method: string, pathname: string): boolean =>
  templates.some((route) => route.method === method && route.pattern.test(pathname));

/** Retry-After as seconds or an HTTP date; without one, exponential backoff from 250 ms. */
function delayOf(response: Response, attempt: number, maxDelayMs: number): number {
  const header = response.headers.get('retry-after');
  const seconds = header === null ? Number.NaN : Number(header);
  const asked = Number.isFinite(seconds)
    ? seconds * 1000
    : header && !Number.isNaN(Date.parse(header))
      ? Date.parse(header) - Date.now()
      : 250 * 2 ** attempt;
  return Math.min(Math.max(asked, 0), maxDelayMs);
}

/**
 * A fetch for openapi-fetch that gives every money request an Idempotency-Key (unless it has
 * one) and resends a 429 or 503 after its Retry-After with that same key, a bounded number of
 * times. A request is resent only when resending cannot do its effect twice: API Gateway's 429
 * comes before any function ran, and a 503 is retried only for a keyed or an idempotent method.
 */
export function resilientFetch(base: typeof fetch = fetch, options: RetryOptions = {}) {
  const retries = options.retries ?? 4;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const newKey = options.newKey ?? (() => `prsm-${crypto.randomUUID()}`);
  return async (input: Request): Promise<Response> => {
    const request = input.clone();
    if (
      !request.headers.has(IDEMPOTENCY_KEY) &&
      takesIdempotencyKey(request.method, new URL(request.url).pathname)
    ) {
      request.headers.set(IDEMPOTENCY_KEY, newKey());
    }
    const resendable = (status: number) =>
      status === 429 || SAFE_METHODS.has(request.method) || request.headers.has(IDEMPOTENCY_KEY);
    for (let attempt = 0; ; attempt++) {
      const response = await base(request.clone());
      if (attempt >= retries || !RETRIED.has(response.status) || !resendable(response.status))
        return response;
      await response.body?.cancel();
      await sleep(delayOf(response, attempt, maxDelayMs));
    }
  };
}
