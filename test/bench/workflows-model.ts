import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Runtime } from '#infra/local/runtime.js';
import { dynamoClient, s3Client, sqsClient } from '#platform/aws-clients.js';
import { documentClient } from '#platform/table.js';
import { DEVELOPMENT_ADMIN_KEY, ensureAdmin } from '#shared/identity/bootstrap.js';
import { PHASES } from '#shared/prices/phases.js';
import { observePhases, type PhaseReport } from '#shared/workflows/timings.js';
import { fullScript, openAiAnswers, PRICES, STUDENT, TEACHER } from '../e2e/workflows-research-script.js';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-models/openai-server.js';
import { type ApiResponse, apiClient } from '../support/http.js';
import { childBenchmark } from './child-benchmark.js';
import { countRequests, type RequestCounter } from './request-counter.js';
import type { Benchmark, Section } from './section.js';
import { median, round } from './stats.js';

/**
 * The example query on the model phases against a fake OpenAI-compatible server on 127.0.0.1
 * (18 exchanges a workflow, answered at once): what the platform adds around the model calls
 * per phase, and the AWS requests a model workflow makes, next to the built-in path's figures.
 */
const WARMUP = 1;
const RUNS = 8;
const QUERY = 'Analyze quantum field interactions for advanced photonic system development';
const CHILD_TIMEOUT_MS = 10 * 60_000;

let fake: FakeOpenAi | undefined;
// In the child only (the runtime reads the model settings on first use): the fake and its settings.
if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  fake = await startFakeOpenAi();
  Object.assign(process.env, {
    PRSM_MODEL_PROVIDER: 'openai',
    PRSM_MODEL_BASE_URL: fake.baseUrl,
    PRSM_MODEL_TEACHER: TEACHER,
    PRSM_MODEL_STUDENT: STUDENT,
  });
}

function expectStatus(response: ApiResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
}

async function measure(runtime: Runtime): Promise<Section> {
  const api = apiClient(runtime.url, { validate: false });
  const adminKey = DEVELOPMENT_ADMIN_KEY;
  await ensureAdmin({ name: runtime.resources.tableName, doc: documentClient(dynamoClient()) }, adminKey);
  for (const [model, price] of Object.entries(PRICES)) {
    expectStatus(
      await api('PUT', `/v1/prices/models/${model}`, { key: adminKey, body: price }),
      200,
      'pricing a model',
    );
  }
  const created = await api('POST', '/v1/users', { key: adminKey, body: { name: 'bench', role: 'user' } });
  expectStatus(created, 201, 'creating a user');
  const key = String(created.body.apiKey);
  expectStatus(
    await api('POST', '/v1/grants', {
      key: adminKey,
      body: { userId: created.body.user.id, amount: String((50 + 150) * (WARMUP + RUNS)) },
      headers: { 'idempotency-key': `bench-${randomBytes(6).toString('hex')}` },
    }),
    201,
    'granting FTNS',
  );

  const reports = new Map<string, PhaseReport[]>();
  let done: ((id: string) => void) | undefined;
  const stop = observePhases((report) => {
    reports.get(report.workflowId)?.push(report);
    if (report.phase === PHASES.at(-1)!.id && report.outcome === 'completed') done?.(report.workflowId);
  });
  const counters: RequestCounter[] = [
    countRequests(dynamoClient(), 'benchModelRequests'),
    countRequests(sqsClient(), 'benchModelRequests'),
    countRequests(s3Client() as unknown as DynamoDBClient, 'benchModelRequests'),
  ];
  type Run = { id: string; phases: PhaseReport[]; body: Record<string, unknown> };
  const measured: Run[] = [];
  const builtin: Run[] = [];
  /** One workflow on `executor`, counted under `label`; the built-in one under a 150 FTNS budget, as the built-in benchmark. */
  const runOne = async (
    i: number,
    executor: 'openai' | 'builtin',
    label: string | undefined,
  ): Promise<Run> => {
    if (executor === 'openai') fake!.answer(...fullScript(openAiAnswers));
    const total = executor === 'openai' ? '50' : '150';
    const budget = await api('POST', '/v1/budgets', { key, body: { name: `run ${i} ${executor}`, total } });
    expectStatus(budget, 201, 'creating a budget');
    for (const counter of counters) counter.label = label;
    const finished = new Promise<string>((resolved) => {
      done = resolved;
    });
    const submitted = await api('POST', '/v1/workflows', {
      key,
      body: { prompt: QUERY, budgetId: budget.body.id, executor },
      headers: { 'idempotency-key': `bench-model-${i}-${executor}-${randomBytes(4).toString('hex')}` },
    });
    expectStatus(submitted, 202, 'submitting');
    reports.set(submitted.body.id, []);
    await Promise.race([
      finished,
      new Promise((_, reject) => setTimeout(() => reject(new Error('a workflow took over 60 s')), 60_000)),
    ]);
    for (const counter of counters) counter.label = undefined;
    const read = await api('GET', `/v1/workflows/${submitted.body.id}`, { key });
    if (read.body.status !== 'completed') throw new Error(`run ${i} (${executor}) ended ${read.body.status}`);
    return { id: submitted.body.id, phases: reports.get(submitted.body.id)!, body: read.body };
  };
  try {
    // Interleaved: the model and the built-in workflows run on the same runtime under the same load.
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const model = await runOne(i, 'openai', i >= WARMUP ? 'measured' : 'warmup');
      const demo = await runOne(i, 'builtin', i >= WARMUP ? 'measured-builtin' : 'warmup');
      if (i >= WARMUP) {
        measured.push(model);
        builtin.push(demo);
      }
    }
  } finally {
    stop();
    for (const counter of counters) counter.remove();
    await fake?.close();
  }

  const rows = PHASES.map((phase) => {
    const of = measured.map((m) => m.phases.find((r) => r.phase === phase.id && r.outcome === 'completed')!);
    const total = median(of.map((r) => r.totalMs));
    const executor = median(of.map((r) => r.steps.executor ?? 0));
    const demo = builtin.map((m) => m.phases.find((r) => r.phase === phase.id && r.outcome === 'completed')!);
    const demoOutside = median(demo.map((r) => r.totalMs - (r.steps.executor ?? 0)));
    const view = (measured[0]!.body.phases as { id: string; cost: string; usage: unknown[] | null }[]).find(
      (p) => p.id === phase.id,
    )!;
    return [
      `${phase.number}. ${phase.name}`,
      view.usage?.length ?? 0,
      round(total, 1),
      round(executor, 1),
      round(total - executor, 1),
      round(demoOutside, 1),
      view.cost,
    ];
  });
  const tally = (label: string) => {
    const counts = new Map<string, number>();
    for (const counter of counters) {
      for (const [command, count] of counter.counts(label))
        counts.set(command, (counts.get(command) ?? 0) + count);
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0) / RUNS;
    const byCommand = [...counts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([command, count]) => `${command} ${round(count / RUNS, 1)}`)
      .join(', ');
    return { total, byCommand };
  };
  const { total: totalRequests, byCommand: perWorkflow } = tally('measured');
  const demoRequests = tally('measured-builtin');
  return {
    title: 'Research workflow on the model phases: the example query against a fake OpenAI-compatible server',
    columns: [
      'Phase',
      'Model exchanges',
      'Handler p50 ms',
      'Executor p50 ms',
      'Outside executor p50 ms',
      'Built-in outside executor p50 ms',
      'Cost FTNS',
    ],
    rows,
    notes: [
      `${RUNS} runs after ${WARMUP} warm-up, one after another, each followed by a built-in workflow; the fake answers every exchange at once, so the ` +
        "executor column is the phases' own work (prompts, parsing, zod, the code scan, the report) plus 18 " +
        'localhost HTTP round trips a workflow; "outside executor" is the platform: the conditional start with its ' +
        'reads (price list with the model prices, earlier artifacts), the S3 artifact, the capture transaction, the next send.',
      `AWS requests per workflow, by command: ${perWorkflow} (${round(totalRequests, 1)} in all; the model calls ` +
        'are not AWS requests here, on Bedrock they would add 18 Converse calls).',
      `The built-in workflows interleaved with these (one after each model workflow, same runtime, same load): ` +
        `${round(demoRequests.total, 1)} AWS requests per workflow: ${demoRequests.byCommand}. Their "outside executor" is ` +
        'the column next to the model one: what the platform adds per phase with no model call.',
      `Total per workflow: ${String(measured[0]!.body.totalCost)} FTNS (model phases at the test prices, security and settlement at their component prices).`,
    ],
  };
}

export const workflowsModel: Benchmark = await childBenchmark({
  name: 'workflows-model',
  file: import.meta.filename,
  timeoutMs: CHILD_TIMEOUT_MS,
  throttling: 'off',
  measure,
});
