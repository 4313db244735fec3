import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/openapi.js';
import { type RetryOptions, resilientFetch } from './resilient-fetch.js';

export type { components, operations, paths } from './generated/openapi.js';
export { eachItem } from './pages.js';
export { type Answer, PrsmProblem, unwrap } from './problem.js';
export { type RetryOptions, takesIdempotencyKey } from './resilient-fetch.js';
export { verifyWebhook, WebhookVerificationError } from './webhooks.js';

export interface PrsmClientOptions {
  /** Where the API is, e.g. http://127.0.0.1:3000 (no /v1: the paths carry it). */
  baseUrl: string;
  /** An API key, `prsm_...`; sent as a bearer token. */
  apiKey?: string;
  retry?: RetryOptions;
  /** The fetch underneath (default: the global one). */
  fetch?: typeof fetch;
}

export type PrsmClient = Client<paths>;

/**
 * The typed PRSM client: openapi-fetch over the generated types of the served OpenAPI document,
 * with Idempotency-Keys made for money routes and 429/503 retried (see resilient-fetch.ts).
 * Calls answer `{ data, error, response }`; `unwrap(...)` turns a refusal into a PrsmProblem.
 */
export function createPrsmClient(options: PrsmClientOptions): PrsmClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: resilientFetch(options.fetch, options.retry),
    headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
  });
}
