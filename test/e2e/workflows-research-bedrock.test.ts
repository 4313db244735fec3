import { describe, expect, it } from 'vitest';
import {
  bedrockError,
  converseText,
  type FakeBedrock,
  startFakeBedrock,
} from '../support/fake-models/bedrock-server.js';
import { useFakeProvider } from '../support/fake-provider.js';
import type { TestRuntime } from '../support/runtime.js';
import {
  bedrockAnswers,
  expectSettled,
  fullScript,
  MODEL_SEQUENCE,
  RESEARCH_MODEL_ENV,
  setModelPrices,
  TEACHER,
} from './workflows-research-support.js';
import { EXAMPLE_QUERY, finished, researcher, submitted, waitFor } from './workflows-support.js';

/**
 * The model phases on Bedrock: a fake Bedrock Runtime (HTTP/2, the Converse wire format) that the
 * SDK finds through AWS_ENDPOINT_URL_BEDROCK_RUNTIME; here Bedrock is the deployment's default.
 */
let fake: FakeBedrock;
let t: TestRuntime;

useFakeProvider({
  testFile: import.meta.filename,
  start: startFakeBedrock,
  env: (started) => ({
    PRSM_WORKFLOW_EXECUTOR: 'bedrock',
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: started.url,
    ...RESEARCH_MODEL_ENV,
  }),
  ready: async (started, runtime) => {
    fake = started;
    t = runtime;
    await setModelPrices(t);
  },
});

describe('Research on Amazon Bedrock', () => {
  it('runs the seven phases through Converse on the configured models, retries a throttle and repairs a missing tool answer', async () => {
    const script = fullScript(bedrockAnswers);
    fake.answer(
      bedrockError(429, 'ThrottlingException', 'Too many requests, please wait before trying again.'),
    );
    fake.answer(
      ...script.slice(0, 9),
      converseText('Here is the code, in prose.', { input: 400, output: 50 }),
      ...script.slice(9),
    );
    const who = await researcher(t, { grant: '500', total: '150' });
    const id = await submitted(t, who, { prompt: EXAMPLE_QUERY });
    const workflow = await waitFor(t, who.key, id, finished, 60_000);

    expect(workflow.executor).toBe('bedrock');
    await expectSettled(t, who, workflow, 500_000_000n);
    expect(fake.pending()).toBe(0);
    const requests = fake.requests();
    expect(requests.map((r) => r.modelId)).toEqual([
      TEACHER,
      ...MODEL_SEQUENCE.slice(0, 10),
      TEACHER,
      ...MODEL_SEQUENCE.slice(10),
    ]);
    expect(requests.every((r) => r.signed)).toBe(true);
    // Structured answers are a forced tool call; the student's trials are plain text.
    expect(requests[1]!.body.toolConfig?.tools[0]?.toolSpec.name).toBe('decomposition');
    expect(requests[3]!.body.toolConfig).toBeUndefined();
    expect(workflow.response.executor).toBe('bedrock');
    for (const expected of [
      'FAKE-REPORT-TITLE',
      'FAKE-SECTION-BODY',
      'FAKE-REVISED-ANSWER-0',
      'FAKE-LIMITATION',
    ]) {
      expect(workflow.response.responseText).toContain(expected);
    }
  });
});
