import {
  BedrockRuntimeClient,
  type ContentBlock,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { outcomeOfStatus, parseRetryAfter, type Transport, TransportFailure } from './transport.js';

/**
 * Amazon Bedrock's Converse API (`POST /model/{modelId}/converse`), IAM-authorised: no key. The
 * SDK reads AWS_ENDPOINT_URL_BEDROCK_RUNTIME / AWS_ENDPOINT_URL itself, so a local server works.
 * A schema goes as a tool the model must call (`toolChoice: {tool}`), which every Converse model
 * with tool use honours; `outputConfig` (JSON-schema text format) is the alternative for the
 * models that support it.
 */
export type BedrockStructuredOutput = 'tool' | 'output_config';

export interface BedrockOptions {
  region?: string;
  structuredOutput?: BedrockStructuredOutput;
  client?: BedrockRuntimeClient;
}

/** Our retries (client.ts) replace the SDK's: one attempt per send, so every attempt is seen. */
export const bedrockClient = (region?: string): BedrockRuntimeClient =>
  new BedrockRuntimeClient({ ...(region ? { region } : {}), maxAttempts: 1 });

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

function failureOf(error: unknown): unknown {
  const sdk = error as SdkError;
  const status = sdk.$metadata?.httpStatusCode;
  if (typeof status !== 'number' || status < 400) return error;
  const headers = sdk.$response?.headers ?? {};
  return new TransportFailure(
    // Bedrock's throttling is sometimes a 400-class name on a 429; the status decides.
    outcomeOfStatus(status),
    `bedrock answered ${status} ${sdk.name ?? 'error'}: ${String(sdk.message ?? '').slice(0, 300)}`,
    status,
    parseRetryAfter({ get: (name) => headers[name] }),
  );
}

export function bedrockTransport(options: BedrockOptions = {}): Transport {
  const client = options.client ?? bedrockClient(options.region);
  const mode = options.structuredOutput ?? 'tool';
  return {
    provider: 'bedrock',
    async send(request, signal) {
      const system = request.messages.filter((m) => m.role === 'system').map((m) => ({ text: m.content }));
      const messages: Message[] = request.messages
        .filter((m) => m.role !== 'system')
        .map((m) => ({ role: m.role as 'user' | 'assistant', content: [{ text: m.content }] }));
      const input: ConverseCommandInput = {
        modelId: request.model,
        messages,
        ...(system.length > 0 ? { system } : {}),
        inferenceConfig: { maxTokens: request.maxOutputTokens, temperature: request.temperature },
      };
      const schema = request.schema;
      if (schema && mode === 'tool') {
        input.toolConfig = {
          tools: [
            {
              toolSpec: {
                name: schema.name,
                description: schema.description ?? `Record the answer as ${schema.name}`,
                inputSchema: { json: schema.jsonSchema as never },
              },
            },
          ],
          toolChoice: { tool: { name: schema.name } },
        };
      } else if (schema) {
        input.outputConfig = {
          textFormat: {
            type: 'json_schema',
            structure: {
              jsonSchema: {
                name: schema.name,
                schema: JSON.stringify(schema.jsonSchema),
                ...(schema.description ? { description: schema.description } : {}),
              },
            },
          },
        };
      }
      let output: ConverseCommandOutput;
      try {
        output = await client.send(new ConverseCommand(input), { abortSignal: signal });
      } catch (error) {
        throw failureOf(error);
      }
      const blocks: ContentBlock[] = output.output?.message?.content ?? [];
      const tool =
        schema && mode === 'tool' ? blocks.find((b) => b.toolUse?.name === schema.name) : undefined;
      const content = tool?.toolUse
        ? JSON.stringify(tool.toolUse.input ?? null)
        : blocks
            .map((b) => b.text ?? '')
            .join('')
            .trim();
      const usage = output.usage;
      return {
        content,
        modelId: request.model,
        stopReason: output.stopReason ?? null,
        usage:
          usage?.inputTokens !== undefined && usage.outputTokens !== undefined
            ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }
            : null,
        serviceLatencyMs: output.metrics?.latencyMs ?? null,
      };
    },
  };
}
