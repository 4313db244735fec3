import { type CircuitBreaker, CircuitOpenError } from '../executors/circuit-breaker.js';
import { DEFAULT_RETRY, delayBeforeRetry, type RetryPolicy } from './retry.js';
import {
  jsonSchemaOf,
  repairMessages,
  strictCompatible,
  validateAnswer,
  withInstructions,
} from './structured.js';
import {
  type Transport,
  type TransportAnswer,
  TransportFailure,
  type TransportRequest,
} from './transport.js';
import {
  addUsage,
  type CallRecord,
  type ChatMessage,
  type ChatRequest,
  ModelCallError,
  type ModelClient,
  NO_USAGE,
  type StructuredRequest,
} from './types.js';

/**
 * A provider's model behind the one interface: per-attempt timeouts, retries with backoff, the
 * circuit breaker, structured output with a fallback and a repair, and every exchange recorded.
 *
 * The breaker sees one outcome per exchange with its retries: a failure when it failed for want
 * of the provider (rate limits, 5xx, timeouts, dropped connections, after the retries); anything
 * else is an answer as far as availability goes (a 4xx, the caller's abort, and an answer that
 * then fails validation, which is checked outside the breaker).
 */
export interface ModelClientOptions {
  transport: Transport;
  model: string;
  /** One per provider and model (see `modelCircuitName`). */
  breaker?: CircuitBreaker;
  retry?: Partial<RetryPolicy>;
  /** Per HTTP attempt, unless the request says otherwise. */
  timeoutMs?: number;
  /** Repair calls after an answer that does not validate. */
  repairs?: number;
  temperature?: number;
  /** Monotonic milliseconds, for latencies. */
  now?: () => number;
  /** The per-attempt timeout's signal (tests fire it themselves instead of waiting). */
  timeoutSignal?: (ms: number) => AbortSignal;
  /**
   * Each exchange as it ends (logs, metrics), with its HTTP outcome: never the messages, never
   * the key. Whether an answer then validated is in the result's or the error's `calls`.
   */
  onCall?: (call: CallRecord) => void;
}

export const modelCircuitName = (provider: string, model: string): string => `model:${provider}:${model}`;

type Purpose = CallRecord['purpose'];

const passThrough: CircuitBreaker = { call: (work) => work() };

export function modelClient(options: ModelClientOptions): ModelClient {
  const { transport, model } = options;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const breaker = options.breaker ?? passThrough;
  const now = options.now ?? (() => performance.now());
  const timeoutSignal = options.timeoutSignal ?? ((ms: number) => AbortSignal.timeout(ms));
  const repairs = options.repairs ?? 1;
  // Learnt from a 400 to response_format: this server takes the schema in the prompt only.
  let instructionsOnly = false;

  const fail = (failure: TransportFailure, calls: CallRecord[]) =>
    new ModelCallError(
      failure.outcome as ModelCallError['kind'],
      failure.message,
      transport.provider,
      model,
      calls,
    );

  /** One logical exchange with its retries; the breaker sees it as one call. */
  async function exchange(
    request: ChatRequest,
    purpose: Purpose,
    messages: ChatMessage[],
    schema: TransportRequest['schema'],
    calls: CallRecord[],
  ): Promise<TransportAnswer> {
    const attempts = async (): Promise<TransportAnswer | TransportFailure> => {
      for (let attempt = 1; ; attempt++) {
        if (request.signal?.aborted)
          return new TransportFailure('aborted', 'the request was aborted by its caller');
        const timer = timeoutSignal(request.timeoutMs ?? options.timeoutMs ?? 20_000);
        const signal = request.signal ? AbortSignal.any([request.signal, timer]) : timer;
        const started = now();
        let failure: TransportFailure;
        try {
          const answer = await transport.send(
            {
              model,
              messages,
              maxOutputTokens: request.maxOutputTokens,
              temperature: request.temperature ?? options.temperature ?? 0,
              ...(schema ? { schema } : {}),
            },
            signal,
          );
          record(calls, {
            attempt,
            purpose,
            outcome: 'ok',
            status: 200,
            usage: answer.usage,
            latencyMs: now() - started,
            serviceLatencyMs: answer.serviceLatencyMs,
            error: null,
          });
          return answer;
        } catch (error) {
          failure = classify(error, request.signal, timer);
        }
        record(calls, {
          attempt,
          purpose,
          outcome: failure.outcome,
          status: failure.status,
          usage: null,
          latencyMs: now() - started,
          serviceLatencyMs: null,
          error: failure.message,
        });
        const delay = delayBeforeRetry(failure, attempt, retry);
        if (delay === null) return failure;
        try {
          await retry.sleep(delay, request.signal);
        } catch {
          return new TransportFailure('aborted', 'the request was aborted by its caller');
        }
      }
    };
    let outcome: TransportAnswer | TransportFailure;
    try {
      outcome = await breaker.call(async () => {
        const result = await attempts();
        if (result instanceof TransportFailure && result.retryable) throw result;
        return result;
      });
    } catch (error) {
      if (error instanceof CircuitOpenError) {
        throw new ModelCallError('circuit_open', error.message, transport.provider, model, calls);
      }
      outcome = error instanceof TransportFailure ? error : classify(error, request.signal, undefined);
    }
    if (outcome instanceof TransportFailure) throw fail(outcome, calls);
    return outcome;
  }

  function record(calls: CallRecord[], call: Omit<CallRecord, 'provider' | 'model'>) {
    const full: CallRecord = { provider: transport.provider, model, ...call };
    calls.push(full);
    options.onCall?.(full);
  }

  const result = (answer: TransportAnswer, calls: CallRecord[], started: number) => ({
    content: answer.content,
    modelId: answer.modelId,
    provider: transport.provider,
    stopReason: answer.stopReason,
    usage: calls.reduce((sum, call) => addUsage(sum, call.usage), NO_USAGE),
    latencyMs: now() - started,
    calls,
  });

  return {
    provider: transport.provider,
    model,

    async chat(request) {
      const started = now();
      const calls: CallRecord[] = [];
      const answer = await exchange(request, 'chat', request.messages, undefined, calls);
      return result(answer, calls, started);
    },

    async structured<T>(request: StructuredRequest<T>) {
      const started = now();
      const calls: CallRecord[] = [];
      const jsonSchema = jsonSchemaOf(request.output);
      const native = {
        name: request.output.name,
        description: request.output.description,
        jsonSchema,
        strict: strictCompatible(jsonSchema),
      };
      const instructed = withInstructions(request.messages, jsonSchema);

      let purpose: Purpose = instructionsOnly ? 'instructions' : 'native';
      let messages = purpose === 'native' ? request.messages : instructed;
      let answer: TransportAnswer;
      try {
        answer = await exchange(request, purpose, messages, purpose === 'native' ? native : undefined, calls);
      } catch (error) {
        // A server without the schema feature refuses the request: ask again with instructions.
        const refused =
          error instanceof ModelCallError && error.kind === 'rejected' && calls.at(-1)?.status === 400;
        if (purpose !== 'native' || !refused) throw error;
        purpose = 'instructions';
        messages = instructed;
        answer = await exchange(request, purpose, messages, undefined, calls);
        instructionsOnly = true;
      }
      const schemaOf = () => (purpose === 'native' ? native : undefined);
      for (let repair = 0; ; repair++) {
        const checked = validateAnswer(answer.content, request.output);
        if (checked.ok) return { ...result(answer, calls, started), value: checked.value };
        const last = calls.at(-1)!;
        last.outcome = 'invalid_output';
        last.error = checked.errors.join('; ').slice(0, 500);
        if (repair >= repairs) {
          throw new ModelCallError(
            'invalid_output',
            `the answer does not conform to ${request.output.name} after ${repairs} repair(s): ${last.error}`,
            transport.provider,
            model,
            calls,
          );
        }
        messages = repairMessages(messages, answer.content, checked.errors);
        answer = await exchange(request, 'repair', messages, schemaOf(), calls);
      }
    },
  };
}

/** Any error of a send as a failure: our timer is a timeout, the caller's signal an abort. */
function classify(
  error: unknown,
  caller: AbortSignal | undefined,
  timer: AbortSignal | undefined,
): TransportFailure {
  if (error instanceof TransportFailure) return error;
  if (caller?.aborted) return new TransportFailure('aborted', 'the request was aborted by its caller');
  if (timer?.aborted) return new TransportFailure('timeout', 'no answer within the timeout');
  // A dropped connection, a refused one, DNS: the provider is not reachable now.
  return new TransportFailure('unavailable', `model endpoint unreachable: ${(error as Error).message}`);
}
