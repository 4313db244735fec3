import * as z from 'zod';
import type { ApiKeySource } from '../models/api-key.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { clip, type PhaseContext, type PhaseExecutor } from './executor.js';

/**
 * The adapter for an OpenAI-compatible chat-completions endpoint (`POST {baseUrl}/chat/completions`).
 * It builds on the built-in executor: the structured draft stays (later phases read it), the
 * model's answer is added to the artifact and becomes the phase's summary. The security and last
 * phases stay deterministic: scoring and hash-chaining are not a model's judgement.
 */
export interface ModelConfig {
  baseUrl: string;
  model: string;
  /** The key itself, or its source (Secrets Manager, read once per container). */
  apiKey?: string | ApiKeySource;
  timeoutMs: number;
}

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export interface ChatAnswer {
  content: string;
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number } | null;
}

export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

const answerSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).partial().optional(),
});

export type Fetch = typeof fetch;

export async function chatCompletion(
  config: ModelConfig,
  messages: ChatMessage[],
  fetchImpl: Fetch = fetch,
): Promise<ChatAnswer> {
  const url = `${config.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const apiKey = typeof config.apiKey === 'function' ? await config.apiKey() : config.apiKey;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify({ model: config.model, messages, temperature: 0, max_tokens: 400 }),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (error) {
    throw new ModelError(`model endpoint unreachable: ${(error as Error).message}`);
  }
  if (!response.ok) throw new ModelError(`model endpoint answered ${response.status}`);
  const parsed = answerSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ModelError('model endpoint answered something other than a chat completion');
  const [choice] = parsed.data.choices;
  const content = choice?.message.content;
  if (!content) throw new ModelError('model endpoint answered an empty completion');
  const usage = parsed.data.usage;
  return {
    content,
    finishReason: choice.finish_reason ?? null,
    usage:
      usage?.prompt_tokens !== undefined && usage.completion_tokens !== undefined
        ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
        : null,
  };
}

/** Phases whose work is a computation over the artifacts, never delegated to the model. */
const DETERMINISTIC = new Set(['security', 'settlement']);

const ROLES: Record<string, string> = {
  teacher: 'Identify the core concepts, the research questions and a learning curriculum.',
  prompter: 'Rewrite the research query as a precise, answerable brief with objectives and criteria.',
  codegen: 'Outline the simulation or analysis code the research needs, and how to improve it.',
  student: 'Turn the material into a learning path adapted to the researcher.',
  multi_agent: 'Compress the context and split the remaining work between cooperating agents.',
};

function messagesFor(context: PhaseContext, draft: string): ChatMessage[] {
  const earlier = context.earlier
    .filter((phase) => phase.summary)
    .map((phase) => `- ${phase.id}: ${phase.summary}`)
    .join('\n');
  return [
    {
      role: 'system',
      content:
        `You are the "${context.phase.name}" phase of a research workflow (components: ` +
        `${context.phase.components.join(', ')}). ${ROLES[context.phase.id] ?? ''} Answer in at most 150 words.`,
    },
    {
      role: 'user',
      content: `Research query: ${context.prompt}\n\nEarlier phases:\n${earlier || '(none)'}\n\nDraft: ${draft}`,
    },
  ];
}

export function modelExecutor(
  base: PhaseExecutor,
  config: ModelConfig,
  breaker: CircuitBreaker,
  fetchImpl: Fetch = fetch,
): PhaseExecutor {
  const name = `openai:${config.model}`;
  return {
    name,
    async execute(context) {
      const draft = await base.execute(context);
      if (DETERMINISTIC.has(context.phase.id)) return { ...draft, executor: base.name };
      const answer = await breaker.call(() =>
        chatCompletion(config, messagesFor(context, draft.summary), fetchImpl),
      );
      return {
        ...draft,
        executor: name,
        summary: clip(answer.content),
        data: {
          ...draft.data,
          model: {
            name: config.model,
            content: answer.content,
            finishReason: answer.finishReason,
            usage: answer.usage,
          },
        },
      };
    },
  };
}
