import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { circuitBreaker } from '#shared/workflows/executors/circuit-breaker.js';
import { bedrockClient, bedrockTransport } from '#shared/workflows/models/bedrock.js';
import { modelCircuitName, modelClient } from '#shared/workflows/models/client.js';
import { ModelCallError } from '#shared/workflows/models/types.js';
import {
  bedrockError,
  converseText,
  converseToolUse,
  type FakeBedrock,
  startFakeBedrock,
} from '../../../support/fake-models/bedrock-server.js';
import { fixedClock, memoryBreakerStore, PLAN, plan, seams } from './support.js';

/**
 * The Bedrock provider through the real SDK against a fake Converse endpoint on 127.0.0.1, found
 * the way a local endpoint is found: AWS_ENDPOINT_URL_BEDROCK_RUNTIME, read by the SDK itself.
 */
let fake: FakeBedrock;
const SONNET = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const MICRO = 'amazon.nova-micro-v1:0';

beforeAll(async () => {
  fake = await startFakeBedrock();
  vi.stubEnv('AWS_ENDPOINT_URL_BEDROCK_RUNTIME', fake.url);
  // Signed like any request (the fake does not check the signature): the unit layer has no local AWS to lend its dummy keys.
  vi.stubEnv('AWS_ACCESS_KEY_ID', process.env.AWS_ACCESS_KEY_ID ?? 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', process.env.AWS_SECRET_ACCESS_KEY ?? 'test');
  vi.stubEnv('AWS_REGION', process.env.AWS_REGION ?? 'us-east-1');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
});
afterEach(() => {
  fake.received.length = 0;
  expect(fake.pending(), 'every scripted answer was used').toBe(0);
});

function client(
  options: {
    model?: string;
    output?: 'tool' | 'output_config';
    maxAttempts?: number;
    timeoutMs?: number;
  } = {},
) {
  const s = seams();
  const model = modelClient({
    transport: bedrockTransport({ client: bedrockClient('us-east-1'), structuredOutput: options.output }),
    model: options.model ?? SONNET,
    retry: { ...s.retry, maxAttempts: options.maxAttempts ?? 3 },
    timeoutMs: options.timeoutMs ?? 5_000,
    now: s.now,
    timeoutSignal: s.timeoutSignal,
  });
  return { model, sleeps: s.sleeps, timeouts: s.timeouts };
}

const ask = {
  messages: [
    { role: 'system' as const, content: 'You plan research.' },
    { role: 'user' as const, content: 'Plan photonics.' },
  ],
  maxOutputTokens: 512,
};

describe('Bedrock provider (Converse)', () => {
  it('asks for a structured answer as a forced tool call and validates its input with zod', async () => {
    fake.answer(converseToolUse('research_plan', PLAN, { input: 812, output: 96 }, { latencyMs: 1234 }));
    const result = await client().model.structured({ ...ask, output: plan });
    expect(result.value).toEqual(PLAN);
    expect(result).toMatchObject({
      provider: 'bedrock',
      modelId: SONNET,
      stopReason: 'tool_use',
      usage: { inputTokens: 812, outputTokens: 96 },
      latencyMs: 30,
    });
    expect(result.calls).toEqual([
      expect.objectContaining({ outcome: 'ok', serviceLatencyMs: 1234, latencyMs: 10 }),
    ]);

    const [request] = fake.requests();
    expect(request!.modelId).toBe(SONNET);
    expect(request!.signed).toBe(true);
    expect(request!.body).toMatchObject({
      system: [{ text: 'You plan research.' }],
      messages: [{ role: 'user', content: [{ text: 'Plan photonics.' }] }],
      inferenceConfig: { maxTokens: 512, temperature: 0 },
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'research_plan',
              description: 'A research plan',
              inputSchema: { json: { type: 'object', required: ['title', 'questions', 'confidence'] } },
            },
          },
        ],
        toolChoice: { tool: { name: 'research_plan' } },
      },
    });
  });

  it('asks for a JSON-schema text format instead when configured (outputConfig)', async () => {
    fake.answer(converseText(JSON.stringify(PLAN), { input: 300, output: 40 }));
    const result = await client({ output: 'output_config' }).model.structured({ ...ask, output: plan });
    expect(result.value).toEqual(PLAN);
    const body = fake.requests()[0]!.body;
    expect(body.toolConfig).toBeUndefined();
    expect(body.outputConfig?.textFormat).toMatchObject({
      type: 'json_schema',
      structure: { jsonSchema: { name: 'research_plan' } },
    });
    expect(JSON.parse(body.outputConfig!.textFormat!.structure.jsonSchema.schema)).toMatchObject({
      required: ['title', 'questions', 'confidence'],
    });
  });

  it('answers a chat call with the text blocks, the usage and the stop reason', async () => {
    fake.answer(
      converseText('Photonic coupling is key.', { input: 40, output: 7 }, { stopReason: 'max_tokens' }),
    );
    const result = await client({ model: MICRO }).model.chat(ask);
    expect(result).toMatchObject({
      content: 'Photonic coupling is key.',
      modelId: MICRO,
      stopReason: 'max_tokens',
      usage: { inputTokens: 40, outputTokens: 7 },
    });
    expect(fake.requests()[0]!.modelId).toBe(MICRO);
  });

  it('retries a ThrottlingException (429) with backoff, honouring a Retry-After when sent', async () => {
    fake.answer(
      bedrockError(429, 'ThrottlingException', 'Too many requests, please wait before trying again.'),
      bedrockError(429, 'ThrottlingException', 'Too many requests', { 'retry-after': '3' }),
      converseText('at last'),
    );
    const { model, sleeps } = client();
    const result = await model.chat(ask);
    expect(result.content).toBe('at last');
    expect(sleeps).toEqual([250, 3_000]);
    expect(result.calls.map((c) => [c.outcome, c.status])).toEqual([
      ['rate_limited', 429],
      ['rate_limited', 429],
      ['ok', 200],
    ]);
    expect(result.calls[0]!.error).toContain('ThrottlingException: Too many requests, please wait');
  });

  it('retries ServiceUnavailableException (503) and InternalServerException (500)', async () => {
    fake.answer(
      bedrockError(503, 'ServiceUnavailableException', 'Service unavailable'),
      bedrockError(500, 'InternalServerException', 'Internal error'),
      converseText('recovered'),
    );
    const result = await client().model.chat(ask);
    expect(result.content).toBe('recovered');
    expect(result.calls.map((c) => c.outcome)).toEqual(['unavailable', 'unavailable', 'ok']);
  });

  it('does not retry a ValidationException (400)', async () => {
    fake.answer(bedrockError(400, 'ValidationException', 'The provided model identifier is invalid.'));
    const { model, sleeps } = client({ model: 'anthropic.nope' });
    const error = (await model.chat(ask).catch((e: unknown) => e)) as ModelCallError;
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain('ValidationException: The provided model identifier is invalid.');
    expect(sleeps).toEqual([]);
  });

  it('falls back to instructions when the model refuses tool use (400), then parses the text', async () => {
    fake.answer(
      bedrockError(400, 'ValidationException', "This model doesn't support tool use."),
      converseText(`Here it is: ${JSON.stringify(PLAN)}`),
    );
    const result = await client({ model: MICRO }).model.structured({ ...ask, output: plan });
    expect(result.value).toEqual(PLAN);
    const [, instructed] = fake.requests();
    expect(instructed!.body.toolConfig).toBeUndefined();
    expect(instructed!.body.system![0]!.text).toContain('conforms to this JSON Schema');
  });

  it('times out an attempt without an answer and retries it', async () => {
    fake.answer({ status: 200, hang: true }, converseText('second time'));
    const { model, timeouts } = client({ timeoutMs: 2_500 });
    const pending = model.chat(ask);
    await vi.waitFor(() => expect(fake.received).toHaveLength(1), { timeout: 10_000 });
    timeouts.fire(0);
    const result = await pending;
    expect(result.content).toBe('second time');
    expect(result.calls.map((c) => c.outcome)).toEqual(['timeout', 'ok']);
    expect(timeouts.ms()).toEqual([2_500, 2_500]);
  });

  it("stops on the caller's abort", async () => {
    fake.answer({ status: 200, hang: true });
    const controller = new AbortController();
    const pending = client().model.chat({ ...ask, signal: controller.signal });
    await vi.waitFor(() => expect(fake.received).toHaveLength(1), { timeout: 10_000 });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('repairs a tool input that breaks the schema; a second bad one fails with the usage of both', async () => {
    fake.answer(
      converseToolUse('research_plan', { ...PLAN, confidence: 3 }, { input: 500, output: 50 }),
      converseToolUse('research_plan', PLAN, { input: 620, output: 55 }),
    );
    const repaired = await client().model.structured({ ...ask, output: plan });
    expect(repaired.value).toEqual(PLAN);
    expect(repaired.usage).toEqual({ inputTokens: 1120, outputTokens: 105 });
    const repair = fake.requests()[1]!.body;
    expect(repair.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(repair.messages[2]!.content[0]!.text).toContain('confidence:');

    fake.received.length = 0;
    fake.answer(
      converseToolUse('research_plan', { title: 'x' }, { input: 500, output: 10 }),
      converseToolUse('research_plan', { title: 'x' }, { input: 600, output: 10 }),
    );
    const error = (await client()
      .model.structured({ ...ask, output: plan })
      .catch((e: unknown) => e)) as ModelCallError;
    expect(error.kind).toBe('invalid_output');
    expect(error.usage).toEqual({ inputTokens: 1100, outputTokens: 20 });
    expect(error.calls).toHaveLength(2);
  });

  it('keeps one breaker per provider and model', async () => {
    const store = memoryBreakerStore();
    const s = seams();
    const make = (model: string) =>
      modelClient({
        transport: bedrockTransport({ client: bedrockClient('us-east-1') }),
        model,
        breaker: circuitBreaker({ name: modelCircuitName('bedrock', model), store, clock: fixedClock() }),
        retry: { ...s.retry, maxAttempts: 2 },
        now: s.now,
      });
    const teacher = make(SONNET);
    for (let i = 0; i < 10; i++) fake.answer(bedrockError(503, 'ServiceUnavailableException', 'down'));
    for (let i = 0; i < 5; i++)
      await expect(teacher.chat(ask)).rejects.toMatchObject({ kind: 'unavailable' });
    // Five failed requests of two attempts each: the breaker counts requests, not attempts.
    expect(fake.received).toHaveLength(10);
    await expect(teacher.chat(ask)).rejects.toMatchObject({ kind: 'circuit_open' });
    expect(fake.received).toHaveLength(10);
    expect([...store.states.keys()]).toEqual([`model:bedrock:${SONNET}`]);

    fake.answer(converseText('the student is fine'));
    expect((await make(MICRO).chat(ask)).content).toBe('the student is fine');
  });
});
