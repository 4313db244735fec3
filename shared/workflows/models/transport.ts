import type { CallOutcome, ChatMessage, ProviderId, Usage } from './types.js';

/** One HTTP exchange with a provider: what each provider adapter implements. */
export interface TransportRequest {
  model: string;
  messages: ChatMessage[];
  maxOutputTokens: number;
  temperature: number;
  /** Present: ask for this JSON Schema with the provider's own feature (tool use, response_format). */
  schema?: {
    name: string;
    description?: string;
    jsonSchema: Record<string, unknown>;
    /** The schema suits strict modes (closed objects, every field required). */
    strict: boolean;
  };
}

export interface TransportAnswer {
  /** The text of the answer; for a tool-use answer, its input as JSON text. */
  content: string;
  modelId: string;
  stopReason: string | null;
  usage: Usage | null;
  serviceLatencyMs: number | null;
}

export interface Transport {
  readonly provider: ProviderId;
  send(request: TransportRequest, signal: AbortSignal): Promise<TransportAnswer>;
}

/** A failed exchange, classified once here so retries and breakers read one shape. */
export class TransportFailure extends Error {
  constructor(
    readonly outcome: Exclude<CallOutcome, 'ok' | 'invalid_output'>,
    message: string,
    readonly status: number | null = null,
    /** The server's Retry-After, in milliseconds. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'TransportFailure';
  }

  get retryable(): boolean {
    return this.outcome === 'rate_limited' || this.outcome === 'unavailable' || this.outcome === 'timeout';
  }
}

/** An HTTP status as an outcome: 408/429 and 5xx are worth retrying, other 4xx are not. */
export function outcomeOfStatus(status: number): TransportFailure['outcome'] {
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'unavailable';
  return 'rejected';
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110), or OpenAI's `retry-after-ms`. */
export function parseRetryAfter(
  headers: { get(name: string): string | null | undefined },
  now: number = Date.now(),
): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
