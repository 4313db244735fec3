import * as z from 'zod';
import { outcomeOfStatus, parseRetryAfter, type Transport, TransportFailure } from './transport.js';

/**
 * OpenAI-compatible chat completions (`POST {baseUrl}/chat/completions`): OpenAI, vLLM, Ollama,
 * llama.cpp's server, a LiteLLM proxy. A schema goes as `response_format: json_schema`; a server
 * that refuses it answers 400 and the client falls back to instructions (client.ts).
 */
export interface OpenAiOptions {
  /** The API root, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1. */
  baseUrl: string;
  /** Resolved per call (cached by its source): the environment's key or the secret's. */
  apiKey: () => Promise<string | undefined>;
  fetch?: typeof fetch;
}

const answerSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative(),
    })
    .nullable()
    .optional(),
});

/** The server's own words, if it sent an OpenAI-style error body; never our request. */
const errorMessage = (body: string): string => {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message =
      typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {}
  return body.slice(0, 120);
};

export function openAiTransport(options: OpenAiOptions): Transport {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const fetchImpl = options.fetch ?? fetch;
  return {
    provider: 'openai',
    async send(request, signal) {
      const key = await options.apiKey();
      // A proxy may echo what it was sent: the key never reaches an error message.
      const redact = (text: string) => (key ? text.split(key).join('[redacted]') : text);
      const body = {
        model: request.model,
        messages: request.messages,
        max_tokens: request.maxOutputTokens,
        temperature: request.temperature,
        ...(request.schema
          ? {
              response_format: {
                type: 'json_schema',
                json_schema: {
                  name: request.schema.name,
                  ...(request.schema.description ? { description: request.schema.description } : {}),
                  schema: request.schema.jsonSchema,
                  strict: request.schema.strict,
                },
              },
            }
          : {}),
      };
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify(body),
        signal,
      });
      const text = await response.text();
      if (!response.ok) {
        throw new TransportFailure(
          outcomeOfStatus(response.status),
          redact(`model endpoint answered ${response.status}: ${errorMessage(text)}`),
          response.status,
          parseRetryAfter(response.headers),
        );
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new TransportFailure('unavailable', 'model endpoint answered something other than JSON', 200);
      }
      const parsed = answerSchema.safeParse(json);
      if (!parsed.success) {
        throw new TransportFailure(
          'unavailable',
          'model endpoint answered something other than a chat completion',
          200,
        );
      }
      const [choice] = parsed.data.choices;
      const usage = parsed.data.usage;
      return {
        content: choice?.message.content ?? '',
        modelId: parsed.data.model ?? request.model,
        stopReason: choice?.finish_reason ?? null,
        usage: usage ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens } : null,
        serviceLatencyMs: null,
      };
    },
  };
}
