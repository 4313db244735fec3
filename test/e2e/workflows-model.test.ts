import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../support/http.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import {
  account,
  EXAMPLE_QUERY,
  finished,
  PHASE_IDS,
  researcher,
  submitted,
  waitFor,
} from './workflows-support.js';

/**
 * The model adapter against a fake OpenAI-compatible endpoint on 127.0.0.1 (this process): the
 * runtime's phases call it through the circuit breaker, whose state is an item in the table.
 */
interface Call {
  authorization: string | undefined;
  body: { model: string; messages: { role: string; content: string }[] };
}

const calls: Call[] = [];
let failing = false;
let server: Server;
let t: TestRuntime;

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
};

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      response.writeHead(404).end();
      return;
    }
    calls.push({ authorization: request.headers.authorization, body });
    if (failing) {
      response
        .writeHead(500, { 'content-type': 'application/json' })
        .end('{"error":{"message":"overloaded"}}');
      return;
    }
    const system = body.messages[0].content as string;
    const phase = /"([^"]+)" phase/.exec(system)?.[1] ?? 'unknown';
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'chatcmpl-test',
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: `Model analysis for ${phase}: photonic field coupling is key.`,
            },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 120, completion_tokens: 12, total_tokens: 132 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(process.env, {
    PRSM_WORKFLOW_EXECUTOR: 'openai',
    PRSM_MODEL_BASE_URL: `http://127.0.0.1:${port}/v1`,
    PRSM_MODEL_NAME: 'fake-model',
    PRSM_MODEL_API_KEY: 'sk-test-not-a-secret',
    PRSM_MODEL_TIMEOUT_MS: '2000',
  });
  t = await startTestRuntime(import.meta.filename);
});

afterAll(async () => {
  await t.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const name of [
    'PRSM_WORKFLOW_EXECUTOR',
    'PRSM_MODEL_BASE_URL',
    'PRSM_MODEL_NAME',
    'PRSM_MODEL_API_KEY',
  ]) {
    delete process.env[name];
  }
});

const breaker = async () =>
  (
    await t.table.doc.send(
      new GetCommand({ TableName: t.table.name, Key: { pk: 'CIRCUIT#model', sk: 'CIRCUIT' } }),
    )
  ).Item;

describe('Model adapter: an OpenAI-compatible endpoint', () => {
  it('asks the model in the five generative phases and keeps security and settlement deterministic', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    const id = await submitted(t, who, { prompt: EXAMPLE_QUERY });
    const workflow = await waitFor(t, who.key, id, finished);
    expect(workflow.status).toBe('completed');
    expect(workflow.totalCost).toBe('112.90');
    expect(workflow.response.safetyValidated).toBe(true);
    expect(calls).toHaveLength(5);
    for (const call of calls) {
      expect(call.authorization).toBe('Bearer sk-test-not-a-secret');
      expect(call.body.model).toBe('fake-model');
      expect(call.body.messages[1]!.content).toContain(EXAMPLE_QUERY);
    }
    const executors = Object.fromEntries(
      workflow.phases.map((p: { id: string; executor: string }) => [p.id, p.executor]),
    );
    expect(executors).toEqual({
      teacher: 'openai:fake-model',
      prompter: 'openai:fake-model',
      codegen: 'openai:fake-model',
      student: 'openai:fake-model',
      security: 'builtin',
      multi_agent: 'openai:fake-model',
      settlement: 'builtin',
    });
    expect(workflow.phases[0].summary).toBe(
      'Model analysis for Teacher model framework: photonic field coupling is key.',
    );
    const teacher = (await (await fetch(workflow.phases[0].artifact.url)).json()) as Json;
    expect(teacher.data.model).toMatchObject({
      name: 'fake-model',
      usage: { promptTokens: 120, completionTokens: 12 },
    });
    // The structured draft is still there for the later phases to build on.
    expect(teacher.data.keywords.length).toBeGreaterThan(0);
    expect(workflow.phases.map((p: { id: string }) => p.id)).toEqual(PHASE_IDS);
    expect(await breaker()).toMatchObject({ mode: 'closed', recent: 'SSSSS', consecutiveFailures: 0n });
  });

  it('opens the circuit after 5 consecutive failures: later calls fail fast without reaching the model', async () => {
    failing = true;
    // The circuit opens during this test: after it began (to the second, whatever the stored precision).
    const startedAt = Math.floor(Date.now() / 1000) * 1000;
    calls.length = 0;
    const first = await researcher(t, { grant: '500', total: '150' });
    const a = await submitted(t, first, { prompt: EXAMPLE_QUERY });
    const failedA = await waitFor(t, first.key, a, finished);
    expect(failedA.status).toBe('failed');
    expect(failedA.failure.message).toContain('model endpoint answered 500');
    expect(calls).toHaveLength(3);
    expect(await breaker()).toMatchObject({ mode: 'closed', consecutiveFailures: 3n });

    const second = await researcher(t, { grant: '500', total: '150' });
    const b = await submitted(t, second, { prompt: EXAMPLE_QUERY });
    const failedB = await waitFor(t, second.key, b, finished);
    expect(failedB.status).toBe('failed');
    // Attempts 4 and 5 reached the model and opened the circuit; the 6th was refused before it.
    expect(calls).toHaveLength(5);
    expect(failedB.failure.message).toContain('circuit model is open');
    const state = await breaker();
    expect(state).toMatchObject({ mode: 'open' });
    expect(Date.parse(String(state!.openedAt))).toBeGreaterThanOrEqual(startedAt);
    for (const who of [first, second])
      expect(await account(t, who.key)).toMatchObject({ balance: '500.00', held: '0.00' });
    failing = false;
  });
});
