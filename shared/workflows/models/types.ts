import type * as z from 'zod';

/**
 * One interface over the model providers (Bedrock Converse, OpenAI-compatible chat completions):
 * a chat call answering content plus measured usage, and a structured call validated by zod.
 */
export type ProviderId = 'bedrock' | 'openai';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0 };

export const addUsage = (a: Usage, b: Usage | null): Usage =>
  b ? { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens } : a;

/** What the model must answer: a zod schema, sent to the provider as JSON Schema. */
export interface OutputSchema<T> {
  /** A short identifier (letters, digits, `_`, `-`): the tool's or response format's name. */
  name: string;
  description?: string;
  schema: z.ZodType<T>;
}

export interface ChatRequest {
  messages: ChatMessage[];
  maxOutputTokens: number;
  /** Per HTTP attempt; the client's default when absent. */
  timeoutMs?: number;
  /** The caller's abort (e.g. the Lambda's remaining time): never retried. */
  signal?: AbortSignal;
  temperature?: number;
}

export interface StructuredRequest<T> extends ChatRequest {
  output: OutputSchema<T>;
}

/** Why one HTTP exchange ended. */
export type CallOutcome =
  | 'ok'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'aborted'
  | 'rejected'
  | 'invalid_output';

/** One HTTP exchange with a provider, successful or not: what the bill and the logs need. */
export interface CallRecord {
  provider: ProviderId;
  model: string;
  /** 1-based, within one logical request (retries of the same request count up). */
  attempt: number;
  /** `native`: the provider's schema feature; `instructions`: the schema in the prompt; `repair`. */
  purpose: 'chat' | 'native' | 'instructions' | 'repair';
  outcome: CallOutcome;
  status: number | null;
  /** Tokens the provider reported for this exchange (null: it reported none, e.g. a 429). */
  usage: Usage | null;
  /** Measured by the client around the exchange. */
  latencyMs: number;
  /** The provider's own figure, when it sends one (Bedrock's `metrics.latencyMs`). */
  serviceLatencyMs: number | null;
  error: string | null;
}

export interface ChatResult {
  content: string;
  /** The model that answered, as the provider named it (OpenAI's `model`, else the id asked for). */
  modelId: string;
  provider: ProviderId;
  stopReason: string | null;
  /** The sum over every exchange of the request, failed ones included. */
  usage: Usage;
  /** Wall time of the whole request, retries and backoff included. */
  latencyMs: number;
  calls: CallRecord[];
}

export interface StructuredResult<T> extends ChatResult {
  value: T;
}

export type ModelErrorKind =
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'aborted'
  | 'rejected'
  | 'invalid_output'
  | 'circuit_open';

/** A request that failed for good, with every exchange it made and the tokens they used. */
export class ModelCallError extends Error {
  readonly usage: Usage;
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly provider: ProviderId,
    readonly model: string,
    readonly calls: CallRecord[],
  ) {
    super(message);
    this.name = 'ModelCallError';
    this.usage = calls.reduce((sum, call) => addUsage(sum, call.usage), NO_USAGE);
  }
}

/** A model of one provider, bound to a model id: what a phase asks. */
export interface ModelClient {
  readonly provider: ProviderId;
  readonly model: string;
  chat(request: ChatRequest): Promise<ChatResult>;
  structured<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>>;
}
