import { describe, expect, it } from 'vitest';
import {
  completion,
  type FakeOpenAi,
  openAiError,
  startFakeOpenAi,
} from '../support/fake-models/openai-server.js';
import { useFakeProvider } from '../support/fake-provider.js';
import type { Json } from '../support/http.js';
import type { TestRuntime } from '../support/runtime.js';
import { marketplace } from './marketplace-support.js';
import {
  decomposition,
  expectedCost,
  expectSettled,
  fullScript,
  micro,
  openAiAnswers,
  RESEARCH_MODEL_ENV,
  runExample,
  STUDENT,
  setModelPrices,
  TEACHER,
} from './workflows-research-support.js';
import {
  account,
  budget,
  EXAMPLE_QUERY,
  finished,
  researcher,
  submitted,
  waitFor,
} from './workflows-support.js';

/**
 * Usage measured is usage billed: the tokens of a phase that fails, and of a retried phase's
 * failed attempts, are charged from the phase's hold (never above it), once.
 */
let fake: FakeOpenAi;
let t: TestRuntime;

useFakeProvider({
  testFile: import.meta.filename,
  start: startFakeOpenAi,
  env: (started) => ({
    PRSM_MODEL_PROVIDER: 'openai',
    PRSM_MODEL_BASE_URL: started.baseUrl,
    ...RESEARCH_MODEL_ENV,
  }),
  ready: async (started, runtime) => {
    fake = started;
    t = runtime;
    await setModelPrices(t);
  },
});

const GRANT = 500_000_000n;

/** A stopped workflow's money: the paid phases' costs add up, nothing held or reserved is left. */
async function expectStoppedAndPaid(who: Awaited<ReturnType<typeof researcher>>, workflow: Json) {
  const paid = workflow.phases.filter((p: { cost: string | null }) => p.cost !== null);
  const total = paid.reduce((sum: bigint, p: { cost: string }) => sum + micro(p.cost), 0n);
  expect(micro(workflow.totalCost)).toBe(total);
  const balance = await account(t, who.key);
  expect(balance.held).toBe('0.00');
  expect(micro(balance.balance)).toBe(GRANT - total);
  const spent = await budget(t, who.key, who.budgetId);
  expect(micro(spent.spent)).toBe(total);
  expect(spent.reserved).toBe('0.00');
  return total;
}

describe('Model usage billed when a phase fails', () => {
  it('charges a phase that fails for good what its calls used: the malformed answer and its repair', async () => {
    fake.answer(
      completion('not json at all', { prompt: 50, completion: 5 }),
      completion('still not json', { prompt: 60, completion: 5 }),
    );
    const who = await researcher(t, { grant: '500', total: '150' });
    const workflow = await runExample(t, who, 'openai');
    expect(workflow.status).toBe('failed');
    expect(workflow.failure).toMatchObject({ code: 'model_invalid_output', phase: 'teacher' });
    const [teacher] = workflow.phases;
    expect(teacher.usage).toEqual([
      { step: 'decompose', model: TEACHER, inputTokens: 50, outputTokens: 5 },
      { step: 'decompose', model: TEACHER, inputTokens: 60, outputTokens: 5 },
    ]);
    expect(micro(teacher.cost)).toBe(expectedCost(teacher.usage));
    expect(micro(teacher.cost)).toBeGreaterThan(0n);
    expect(await expectStoppedAndPaid(who, workflow)).toBe(micro(teacher.cost));
  });

  it('bills a retried phase for the calls of its failed attempt and of the one that succeeded, once', async () => {
    const script = fullScript(openAiAnswers);
    // Multi-agent: critic and reviser answer, the synthesiser gets two 500s (the client's two
    // attempts), so the phase fails; SQS redelivers it and all three calls are made again.
    fake.answer(
      ...script.slice(0, 17),
      openAiError(500, 'down'),
      openAiError(500, 'down'),
      ...script.slice(15),
    );
    const who = await researcher(t, { grant: '500', total: '150' });
    const workflow = await runExample(t, who, 'openai');
    const multiAgent = workflow.phases.find((p: { id: string }) => p.id === 'multi_agent');
    expect(multiAgent.attempts).toBe(2);
    expect(multiAgent.usage.map((u: { step: string }) => u.step)).toEqual([
      'critic',
      'reviser',
      'critic',
      'reviser',
      'synthesiser',
    ]);
    // Every phase's cost is its usage (both attempts) at the prices; the money settles to the total.
    await expectSettled(t, who, workflow, GRANT);
    expect(fake.pending()).toBe(0);
  });

  it("puts the listings the workflow names into the teacher's context, buying the pay-per-use one", async () => {
    const m = marketplace(t);
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, {
      type: 'knowledge_resource',
      title: 'FAKE-LISTING-TITLE',
      pricingModel: 'pay_per_use',
      price: '1.00',
    });
    fake.answer(...fullScript(openAiAnswers));
    const before = fake.requests().length;
    const who = await researcher(t, { grant: '500', total: '150' });
    const id = await submitted(t, who, { prompt: EXAMPLE_QUERY, executor: 'openai', listings: [listing.id] });
    const workflow = await waitFor(t, who.key, id, finished, 60_000);
    expect(workflow.status).toBe('completed');
    const teacher = fake.requests()[before]!;
    expect(teacher.model).toBe(TEACHER);
    const asked = teacher.messages.at(-1)!.content;
    expect(asked).toContain('Marketplace resources');
    expect(asked).toContain('FAKE-LISTING-TITLE');
    expect(asked).toContain(listing.id);
    expect(micro(await m.balance(seller.key))).toBe(micro('0.975'));
    expect(micro((await account(t, who.key)).balance)).toBe(
      GRANT - micro(workflow.totalCost) - micro('1.00'),
    );
  });

  it('charges what the attempts of a phase that ends in the dead-letter queue used', async () => {
    // The teacher, the prompter's first call; then the provider is down (500 to everything).
    fake.answer(
      openAiAnswers.structured('decomposition', decomposition, { input: 310, output: 640 }),
      openAiAnswers.structured(
        'prompts',
        {
          prompts: decomposition.subQuestions.map((q) => ({ primary: q.question, alternative: q.question })),
        },
        { input: 420, output: 230 },
      ),
    );
    const who = await researcher(t, { grant: '500', total: '150' });
    const workflow = await runExample(t, who, 'openai');
    expect(workflow.status).toBe('failed');
    expect(workflow.failure).toMatchObject({ code: 'phase_failed', phase: 'prompter' });
    const [teacher, prompter, ...rest] = workflow.phases;
    expect(teacher.status).toBe('completed');
    expect(prompter.usage).toEqual([
      { step: 'write_prompts', model: STUDENT, inputTokens: 420, outputTokens: 230 },
    ]);
    expect(micro(prompter.cost)).toBe(expectedCost(prompter.usage));
    expect(rest.every((p: { cost: string | null }) => p.cost === null)).toBe(true);
    expect(await expectStoppedAndPaid(who, workflow)).toBe(micro(teacher.cost) + micro(prompter.cost));
  });
});
