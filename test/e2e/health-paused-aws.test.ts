import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions } from '#infra/manifest.js';
import { newId } from '#platform/ids.js';
import { type ApiResponse, apiClient } from '../support/http.js';
import { ownLocalAwsPid } from '../support/own-local-aws.js';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process.js';

/**
 * A paused local AWS (SIGSTOP): it accepts connections and never answers, the way a hung AWS
 * endpoint does. This runtime runs as its own process with its own moto (no AWS_ENDPOINT_URL),
 * so only that one is paused. Its time limits are scaled by a small factor (2), not the test
 * run's 20, so the limits under test are close to AWS's. See docs/testing.md on the bound.
 */
const FACTOR = 2;
let runtime: RuntimeProcess;
let api: ReturnType<typeof apiClient>;
let pausedPid: number | undefined;

const lambdaTimeoutMs = (functionId: string): number => {
  const spec = functions.find((fn) => fn.id === functionId);
  if (!spec) throw new Error(`no function ${functionId}`);
  return spec.timeoutSeconds * 1000 * FACTOR;
};

const timed = async (answer: Promise<ApiResponse>) => {
  const started = performance.now();
  const response = await answer;
  return { response, elapsedMs: performance.now() - started };
};

beforeAll(async () => {
  runtime = await startRuntimeProcess(import.meta.filename, {
    AWS_ENDPOINT_URL: undefined,
    PRSM_SCHEDULE_INTERVAL_SECONDS: '2',
    PRSM_LOCAL_TIMEOUT_FACTOR: String(FACTOR),
    PRSM_DEMO_CATALOGUE: 'off',
  });
  api = apiClient(runtime.url);
  // The served OpenAPI document (no AWS needed) is fetched once, before the pause.
  await api('GET', '/v1/openapi.json');
});

afterAll(async () => {
  if (pausedPid) process.kill(pausedPid, 'SIGCONT');
  if (runtime) await runtime.stop();
});

describe('Timeouts: a paused local AWS', () => {
  it('GET /v1/health answers 503, and every route answers 503 problem+json before its Lambda timeout', async () => {
    const key = runtime.adminKey;
    pausedPid = ownLocalAwsPid(runtime);
    process.kill(pausedPid, 'SIGSTOP');

    const [health, me, transfer, sweep] = await Promise.all([
      timed(api('GET', '/v1/health')),
      timed(api('GET', '/v1/me', { key })),
      timed(
        api('POST', '/v1/transfers', {
          key,
          body: { to: newId('usr'), amount: '1' },
          headers: { 'idempotency-key': `paused-${Date.now()}` },
        }),
      ),
      timed(api('POST', '/v1/health/sweeps', { key })),
    ]);

    expect(health.response.status).toBe(503);
    expect(health.response.body).toMatchObject({ status: 'down', score: 0 });
    expect(health.response.headers.get('retry-after')).toBeTruthy();
    // The function's own answers (problem+json, code `unavailable`), not a gateway timeout.
    for (const { response } of [me, transfer, sweep]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.headers.get('retry-after')).toBeTruthy();
    }
    expect(runtime.output.filter((line) => / timed out after /.test(line))).toEqual([]);
    // Robust bounds (no machine is that slow): past these the local runtime's own timeout answers.
    expect(health.elapsedMs).toBeLessThan(lambdaTimeoutMs('health-api'));
    expect(me.elapsedMs).toBeLessThan(lambdaTimeoutMs('identity-api'));
    expect(transfer.elapsedMs).toBeLessThan(lambdaTimeoutMs('ledger-api'));
    expect(sweep.elapsedMs).toBeLessThan(lambdaTimeoutMs('health-sweep'));
    console.info(
      `paused AWS: GET /v1/health ${Math.round(health.elapsedMs)} ms, GET /v1/me ${Math.round(me.elapsedMs)} ms, ` +
        `POST /v1/transfers ${Math.round(transfer.elapsedMs)} ms, POST /v1/health/sweeps ${Math.round(sweep.elapsedMs)} ms`,
    );
    expect(runtime.alive()).toBe(true);
  });
});
