import { type ScriptedAnswer, type ScriptedServer, startScriptedServer } from './scripted-server.js';

/**
 * A fake Bedrock Runtime: `POST /model/{modelId}/converse` answered from a script with the JSON
 * the service returns (`output.message.content[]` of `text` / `toolUse` blocks, `stopReason`,
 * `usage`, `metrics.latencyMs`) and its errors (`x-amzn-errortype` header, `{"message"}` body).
 * Point the SDK at it with AWS_ENDPOINT_URL_BEDROCK_RUNTIME, as for any local endpoint. It speaks
 * HTTP/2 (h2c), as the SDK's Bedrock Runtime client does.
 */
export interface ConverseRequestBody {
  messages: { role: string; content: { text?: string }[] }[];
  system?: { text: string }[];
  inferenceConfig?: { maxTokens?: number; temperature?: number };
  toolConfig?: {
    tools: {
      toolSpec: { name: string; description?: string; inputSchema: { json: Record<string, unknown> } };
    }[];
    toolChoice?: { tool?: { name: string }; any?: object; auto?: object };
  };
  outputConfig?: {
    textFormat?: { type: string; structure: { jsonSchema: { name?: string; schema: string } } };
  };
}

export interface ConverseReceived {
  modelId: string;
  body: ConverseRequestBody;
  /** SigV4 signs every request: the header is there, its value is the SDK's business. */
  signed: boolean;
}

export interface FakeBedrock extends ScriptedServer {
  requests(): ConverseReceived[];
}

const CONVERSE_PATH = /^\/model\/([^/]+)\/converse$/;

export async function startFakeBedrock(): Promise<FakeBedrock> {
  const server = await startScriptedServer(
    (method, path) => method === 'POST' && CONVERSE_PATH.test(path),
    'h2c',
  );
  return {
    ...server,
    requests: () =>
      server.received.map((r) => ({
        modelId: decodeURIComponent(CONVERSE_PATH.exec(r.path)![1]!),
        body: r.body as ConverseRequestBody,
        signed: String(r.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256'),
      })),
  };
}

const usageOf = (usage: { input: number; output: number }) => ({
  inputTokens: usage.input,
  outputTokens: usage.output,
  totalTokens: usage.input + usage.output,
});

export function converseText(
  text: string,
  usage = { input: 100, output: 20 },
  options: { stopReason?: string; latencyMs?: number } = {},
): ScriptedAnswer {
  return {
    status: 200,
    headers: { 'x-amzn-requestid': 'fake-request-id' },
    body: {
      output: { message: { role: 'assistant', content: [{ text }] } },
      stopReason: options.stopReason ?? 'end_turn',
      usage: usageOf(usage),
      metrics: { latencyMs: options.latencyMs ?? 321 },
    },
  };
}

/** The answer of a model that calls the (forced) tool: its input is the structured answer. */
export function converseToolUse(
  name: string,
  input: unknown,
  usage = { input: 100, output: 20 },
  options: { latencyMs?: number } = {},
): ScriptedAnswer {
  return {
    status: 200,
    headers: { 'x-amzn-requestid': 'fake-request-id' },
    body: {
      output: {
        message: {
          role: 'assistant',
          content: [{ toolUse: { toolUseId: 'tooluse_fake0001', name, input } }],
        },
      },
      stopReason: 'tool_use',
      usage: usageOf(usage),
      metrics: { latencyMs: options.latencyMs ?? 321 },
    },
  };
}

/** An error as Bedrock sends it: the type in `x-amzn-errortype`, `{"message"}` as the body. */
export function bedrockError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): ScriptedAnswer {
  return {
    status,
    headers: {
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-requestid': 'fake-request-id',
      ...headers,
    },
    body: { message },
  };
}
