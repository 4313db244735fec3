import { type ScriptedAnswer, type ScriptedServer, startScriptedServer } from './scripted-server.js';

/**
 * A fake OpenAI-compatible server: `POST /v1/chat/completions` answered from a script with the
 * real response shapes (`choices[].message.content`, `finish_reason`, `usage.prompt_tokens`...).
 */
export interface ChatCompletionRequest {
  model: string;
  messages: { role: string; content: string }[];
  max_tokens?: number;
  temperature?: number;
  response_format?: {
    type: string;
    json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean };
  };
}

export interface FakeOpenAi extends ScriptedServer {
  /** The API root to configure (`PRSM_MODEL_BASE_URL`). */
  baseUrl: string;
  requests(): ChatCompletionRequest[];
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const server = await startScriptedServer(
    (method, path) => method === 'POST' && path === '/v1/chat/completions',
  );
  return {
    ...server,
    baseUrl: `${server.url}/v1`,
    requests: () => server.received.map((r) => r.body as ChatCompletionRequest),
  };
}

export function completion(
  content: string,
  usage = { prompt: 100, completion: 20 },
  options: { model?: string; finishReason?: string } = {},
): ScriptedAnswer {
  return {
    status: 200,
    body: {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_764_000_000,
      model: options.model ?? 'gpt-4o-mini-2024-07-18',
      choices: [
        { index: 0, message: { role: 'assistant', content }, finish_reason: options.finishReason ?? 'stop' },
      ],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
      },
    },
  };
}

/** An error as OpenAI sends it: `{"error": {"message", "type", "param", "code"}}`. */
export function openAiError(
  status: number,
  message: string,
  options: { type?: string; param?: string; headers?: Record<string, string> } = {},
): ScriptedAnswer {
  return {
    status,
    headers: options.headers,
    body: {
      error: {
        message,
        type: options.type ?? (status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error'),
        param: options.param ?? null,
        code: null,
      },
    },
  };
}
