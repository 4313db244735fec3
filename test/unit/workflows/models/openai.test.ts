import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '#platform/logger.js';
import { circuitBreaker } from '#shared/workflows/executors/circuit-breaker.js';
import { fixedApiKey } from '#shared/workflows/models/api-key.js';
import { modelCircuitName, modelClient } from '#shared/workflows/models/client.js';
import { openAiTransport } from '#shared/workflows/models/openai.js';
import { logCall } from '#shared/workflows/models/registry.js';
import { ModelCallError } from '#shared/workflows/models/types.js';
import {
  completion,
  type FakeOpenAi,
  openAiError,
  startFakeOpenAi,
} from '../../../support/fake-models/openai-server.js';
import { fixedClock, memoryBreakerStore, PLAN, plan, seams } from './support.js';

/** The OpenAI-compatible provider against a fake chat-completions server on 127.0.0.1. */
let fake: FakeOpenAi;
const KEY = 'sk-test-0123456789abcdefghijklmnop';

beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(() => fake.close());
afterEach(() => {
  fake.received.length = 0;
  expect(fake.pending(), 'every scripted answer was used').toBe(0);
});

function client(options: { model?: string; maxAttempts?: number; timeoutMs?: number } = {}) {
  const s = seams();
  const model = modelClient({
    transport: openAiTransport({ baseUrl: fake.baseUrl, apiKey: fixedApiKey(KEY) }),
    model: options.model ?? 'gpt-4o-mini',
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
  maxOutputTokens: 300,
};

describe('OpenAI-compatible provider', () => {
  it('answers a structured call validated by zod, with usage, the model id and the latency', async () => {
    fake.answer(
      completion(JSON.stringify(PLAN), { prompt: 210, completion: 34 }, { model: 'gpt-4o-mini-2024-07-18' }),
    );
    const { model } = client();
    const result = await model.structured({ ...ask, output: plan });
    expect(result.value).toEqual(PLAN);
    expect(result).toMatchObject({
      provider: 'openai',
      modelId: 'gpt-4o-mini-2024-07-18',
      stopReason: 'stop',
      usage: { inputTokens: 210, outputTokens: 34 },
    });
    // The injected clock ticks 10 per reading: start, attempt start, attempt end, end.
    expect(result.latencyMs).toBe(30);
    expect(result.calls).toEqual([
      expect.objectContaining({ attempt: 1, purpose: 'native', outcome: 'ok', status: 200, latencyMs: 10 }),
    ]);
    const [request] = fake.received;
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(fake.requests()[0]).toMatchObject({
      model: 'gpt-4o-mini',
      max_tokens: 300,
      temperature: 0,
      messages: ask.messages,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'research_plan',
          strict: true,
          schema: {
            type: 'object',
            required: ['title', 'questions', 'confidence'],
            properties: { confidence: { type: 'number', minimum: 0, maximum: 1 } },
          },
        },
      },
    });
  });

  it('answers a plain chat call with its content', async () => {
    fake.answer(completion('Photonic coupling is key.', { prompt: 50, completion: 6 }));
    const result = await client().model.chat(ask);
    expect(result).toMatchObject({
      content: 'Photonic coupling is key.',
      usage: { inputTokens: 50, outputTokens: 6 },
    });
    expect(fake.requests()[0]!.response_format).toBeUndefined();
  });

  it('retries a 429 after the Retry-After the server asked for', async () => {
    fake.answer(
      openAiError(429, 'Rate limit reached', { headers: { 'retry-after': '7' } }),
      completion(JSON.stringify(PLAN)),
    );
    const { model, sleeps } = client();
    const result = await model.structured({ ...ask, output: plan });
    expect(result.value).toEqual(PLAN);
    expect(sleeps).toEqual([7_000]);
    expect(result.calls.map((c) => [c.outcome, c.status])).toEqual([
      ['rate_limited', 429],
      ['ok', 200],
    ]);
    expect(fake.received).toHaveLength(2);
  });

  it('prefers retry-after-ms, as OpenAI sends it', async () => {
    fake.answer(
      openAiError(429, 'slow down', { headers: { 'retry-after-ms': '1500', 'retry-after': '2' } }),
      completion('ok'),
    );
    const { model, sleeps } = client();
    await model.chat(ask);
    expect(sleeps).toEqual([1_500]);
  });

  it('retries 5xx with jittered exponential backoff, then gives up after the bounded attempts', async () => {
    fake.answer(openAiError(503, 'overloaded'), openAiError(502, 'bad gateway'), completion('fine'));
    const first = client();
    expect((await first.model.chat(ask)).content).toBe('fine');
    // Full jitter at random() = 0.5: half of 500 ms, then half of 1,000 ms.
    expect(first.sleeps).toEqual([250, 500]);

    fake.answer(openAiError(500, 'down'), openAiError(500, 'down'), openAiError(500, 'down'));
    const second = client();
    const error = await second.model.chat(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ kind: 'unavailable', usage: { inputTokens: 0, outputTokens: 0 } });
    expect((error as ModelCallError).calls).toHaveLength(3);
    expect((error as ModelCallError).message).toContain('model endpoint answered 500: down');
  });

  it('does not retry a 4xx other than 408 and 429', async () => {
    fake.answer(openAiError(401, 'Incorrect API key provided'));
    const { model, sleeps } = client();
    await expect(model.chat(ask)).rejects.toMatchObject({ kind: 'rejected' });
    expect(sleeps).toEqual([]);
  });

  it('times out an attempt that gets no answer and retries it', async () => {
    fake.answer({ status: 200, hang: true }, completion('after the timeout'));
    const { model, timeouts } = client({ timeoutMs: 2_500 });
    const pending = model.chat(ask);
    await vi.waitFor(() => expect(fake.received).toHaveLength(1), { timeout: 10_000 });
    timeouts.fire(0);
    const result = await pending;
    expect(result.content).toBe('after the timeout');
    expect(result.calls.map((c) => c.outcome)).toEqual(['timeout', 'ok']);
    expect(timeouts.ms()).toEqual([2_500, 2_500]);
  });

  it("stops at once on the caller's abort, without a retry", async () => {
    fake.answer({ status: 200, hang: true });
    const { model, sleeps } = client();
    const controller = new AbortController();
    const pending = model.chat({ ...ask, signal: controller.signal });
    await vi.waitFor(() => expect(fake.received).toHaveLength(1), { timeout: 10_000 });
    controller.abort();
    await expect(pending).rejects.toMatchObject({
      kind: 'aborted',
      calls: [expect.objectContaining({ outcome: 'aborted' })],
    });
    expect(sleeps).toEqual([]);
  });

  it('repairs an answer that is not valid JSON with one call quoting the errors', async () => {
    fake.answer(
      completion('{"title": "Photonic coupling", "questions": [', { prompt: 200, completion: 15 }),
      completion(`\`\`\`json\n${JSON.stringify(PLAN)}\n\`\`\``, { prompt: 260, completion: 30 }),
    );
    const result = await client().model.structured({ ...ask, output: plan });
    expect(result.value).toEqual(PLAN);
    expect(result.usage).toEqual({ inputTokens: 460, outputTokens: 45 });
    expect(result.calls.map((c) => [c.purpose, c.outcome])).toEqual([
      ['native', 'invalid_output'],
      ['repair', 'ok'],
    ]);
    const repair = fake.requests()[1]!;
    expect(repair.messages.at(-2)).toEqual({
      role: 'assistant',
      content: '{"title": "Photonic coupling", "questions": [',
    });
    expect(repair.messages.at(-1)!.content).toContain('not valid JSON');
    expect(repair.response_format?.type).toBe('json_schema');
  });

  it('fails cleanly when the repaired answer is still wrong, reporting the usage of every call', async () => {
    fake.answer(
      completion(JSON.stringify({ title: '', questions: [] }), { prompt: 200, completion: 10 }),
      completion(JSON.stringify({ title: 'x', questions: ['q'], confidence: 7 }), {
        prompt: 240,
        completion: 12,
      }),
    );
    const error = await client()
      .model.structured({ ...ask, output: plan })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    const failed = error as ModelCallError;
    expect(failed.kind).toBe('invalid_output');
    expect(failed.usage).toEqual({ inputTokens: 440, outputTokens: 22 });
    expect(failed.calls.map((c) => c.outcome)).toEqual(['invalid_output', 'invalid_output']);
    expect(failed.message).toContain('confidence');
    // The repair quoted the first answer's problems, field by field.
    expect(fake.requests()[1]!.messages.at(-1)!.content).toMatch(/title: .*\n- questions: /);
  });

  it('falls back to instructions when the server refuses response_format, and remembers it', async () => {
    fake.answer(
      openAiError(400, 'Unrecognized request argument supplied: response_format', {
        param: 'response_format',
      }),
      completion(JSON.stringify(PLAN), { prompt: 300, completion: 30 }),
      completion(JSON.stringify(PLAN), { prompt: 300, completion: 30 }),
    );
    const { model } = client();
    const first = await model.structured({ ...ask, output: plan });
    expect(first.value).toEqual(PLAN);
    expect(first.calls.map((c) => [c.purpose, c.outcome, c.status])).toEqual([
      ['native', 'rejected', 400],
      ['instructions', 'ok', 200],
    ]);
    const [refused, instructed] = fake.requests();
    expect(refused!.response_format).toBeDefined();
    expect(instructed!.response_format).toBeUndefined();
    expect(instructed!.messages[0]!.content).toMatch(
      /^You plan research\.\n\nAnswer with one JSON value only/,
    );
    expect(instructed!.messages[0]!.content).toContain('"required":["title","questions","confidence"]');

    const second = await model.structured({ ...ask, output: plan });
    expect(second.calls.map((c) => c.purpose)).toEqual(['instructions']);
    expect(fake.requests()[2]!.response_format).toBeUndefined();
  });

  it('opens the breaker of one provider and model after repeated failures; other models keep theirs', async () => {
    const store = memoryBreakerStore();
    const breakerFor = (model: string) =>
      circuitBreaker({ name: modelCircuitName('openai', model), store, clock: fixedClock() });
    const s = seams();
    const make = (model: string) =>
      modelClient({
        transport: openAiTransport({ baseUrl: fake.baseUrl, apiKey: fixedApiKey(KEY) }),
        model,
        breaker: breakerFor(model),
        retry: { ...s.retry, maxAttempts: 1 },
        now: s.now,
      });
    const small = make('gpt-4o-mini');
    // A bad answer or a 4xx is no sign of an unhealthy provider: they do not count.
    fake.answer(openAiError(400, 'bad request'));
    await expect(small.chat(ask)).rejects.toMatchObject({ kind: 'rejected' });
    for (let i = 0; i < 5; i++) fake.answer(openAiError(503, 'overloaded'));
    for (let i = 0; i < 5; i++) await expect(small.chat(ask)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(fake.received).toHaveLength(6);

    const refused = await small.chat(ask).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'circuit_open', calls: [] });
    expect((refused as Error).message).toContain('circuit model:openai:gpt-4o-mini is open');
    expect(fake.received).toHaveLength(6);
    expect(store.states.get('model:openai:gpt-4o-mini')).toMatchObject({ mode: 'open' });

    fake.answer(completion('the teacher still answers'));
    expect((await make('gpt-4o').chat(ask)).content).toBe('the teacher still answers');
  });

  it('never puts the API key in a log line or an error, even when the server echoes it', async () => {
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    logger.setLogLevel('DEBUG');
    try {
      fake.answer(openAiError(401, `Incorrect API key provided: ${KEY}`), completion(JSON.stringify(PLAN)));
      const s = seams();
      const model = modelClient({
        transport: openAiTransport({ baseUrl: fake.baseUrl, apiKey: fixedApiKey(KEY) }),
        model: 'gpt-4o-mini',
        retry: s.retry,
        now: s.now,
        onCall: logCall,
      });
      const error = (await model.chat(ask).catch((e: unknown) => e)) as ModelCallError;
      expect(error.message).toContain('Incorrect API key provided: [redacted]');
      await model.structured({ ...ask, output: plan });
    } finally {
      out.mockRestore();
      err.mockRestore();
      logger.setLogLevel('WARN');
    }
    const logged = lines.join('');
    expect(logged).toContain('"message":"model call failed"');
    expect(logged).toContain('"message":"model call"');
    expect(logged).toContain('[redacted]');
    expect(logged).not.toContain(KEY);
    expect(logged).not.toContain('0123456789abcdefghijklmnop');
  });
});
