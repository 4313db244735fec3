import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiClient } from '../support/http.js';
import type { TestRuntime } from '../support/runtime.js';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';
import { EXAMPLE_QUERY, finished, PHASE_IDS, researcher, submit, waitFor } from './workflows-support.js';

/**
 * A workflow crosses the phase queue seven times: every phase's log line still names the
 * workflow and the API request that submitted it, also when phases of two workflows run in one
 * batch (the keys travel as message attributes and each record runs in its own scope).
 */
let runtime: RuntimeProcess;
let t: TestRuntime;

interface LogLine {
  message: string;
  function_name?: string;
  phase?: string;
  workflowId?: string;
  requestId?: string;
}

const logLines = (): LogLine[] =>
  runtime.output.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);

beforeAll(async () => {
  runtime = await startRuntimeProcess(import.meta.filename, {
    POWERTOOLS_LOG_LEVEL: 'INFO',
    PRSM_DEMO_CATALOGUE: 'off',
    PRSM_SCHEDULE_INTERVAL_SECONDS: '3600',
  });
  const api = apiClient(runtime.url);
  let sequence = 0;
  // The workflow helpers' runtime, over HTTP to the runtime process.
  t = {
    api,
    adminKey: runtime.adminKey,
    newUser: async () => {
      const response = await api('POST', '/v1/users', {
        key: runtime.adminKey,
        body: { name: `user ${++sequence}`, role: 'user' },
      });
      return { id: response.body.user.id, key: response.body.apiKey };
    },
    grant: (userId: string, amount: string) =>
      api('POST', '/v1/grants', {
        key: runtime.adminKey,
        body: { userId, amount },
        headers: { 'idempotency-key': `grant-${++sequence}-${Date.now()}` },
      }),
  } as unknown as TestRuntime;
});

afterAll(async () => {
  if (runtime) await runtime.stop();
});

describe('Logs: workflow id and request id across queue hops', () => {
  it("puts each phase's log line in its workflow and its submitting request", async () => {
    const people = await Promise.all([researcher(t), researcher(t)]);
    const submissions = await Promise.all(
      people.map((who) => submit(t, who, { prompt: EXAMPLE_QUERY, preferences: { level: 'expert' } })),
    );
    const workflows = submissions.map((response, index) => {
      expect(response.status, JSON.stringify(response.body)).toBe(202);
      return {
        id: String(response.body.id),
        requestId: response.headers.get('x-request-id'),
        who: people[index]!,
      };
    });
    expect(new Set(workflows.map((w) => w.requestId)).size).toBe(2);
    await Promise.all(workflows.map((w) => waitFor(t, w.who.key, w.id, finished)));

    const phaseLines = () => logLines().filter((line) => line.message === 'workflow phase');
    // The last phase logs after its result is visible: wait for its line.
    const phasesLogged = (id: string) =>
      new Set(phaseLines().flatMap((line) => (line.workflowId === id ? [line.phase] : []))).size;
    await vi.waitFor(
      () => expect(workflows.map((w) => phasesLogged(w.id))).toEqual(workflows.map(() => PHASE_IDS.length)),
      { timeout: GENEROUS_WAIT_MS, interval: 50 },
    );
    for (const workflow of workflows) {
      const own = phaseLines().filter((line) => line.workflowId === workflow.id);
      expect(new Set(own.map((line) => line.phase))).toEqual(new Set(PHASE_IDS));
      for (const line of own) {
        expect(line.function_name).toBe('workflows-phases');
        expect(line.requestId, JSON.stringify(line)).toBe(workflow.requestId);
      }
    }
  });
});
