import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes } from '#infra/manifest.js';
import { apiClient } from '../support/http.js';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process.js';

/**
 * Every function of the local runtime shares one process and one logger module: each log line
 * must still carry the name and request of the invocation that wrote it, even when invocations
 * of other functions start while it waits on AWS.
 */
let runtime: RuntimeProcess;
let api: ReturnType<typeof apiClient>;

interface LogLine {
  message: string;
  function_name?: string;
  function_request_id?: string;
  routeKey?: string;
  sweepId?: string;
}

const logLines = (): LogLine[] =>
  runtime.output.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);

beforeAll(async () => {
  runtime = await startRuntimeProcess(import.meta.filename, {
    POWERTOOLS_LOG_LEVEL: 'INFO',
    PRSM_DEMO_CATALOGUE: 'off',
    PRSM_SCHEDULE_INTERVAL_SECONDS: '3600',
  });
  api = apiClient(runtime.url);
});

afterAll(async () => {
  if (runtime) await runtime.stop();
});

describe('Local runtime: each handler logs its own function name', () => {
  it('keeps function name and request id apart across concurrent invocations of different functions', async () => {
    const before = logLines().length;
    const unknownKey = `prsm_${'0'.repeat(12)}_${'a'.repeat(43)}`;
    const paths = ['/v1/me', '/v1/accounts/me', '/v1/budgets', '/v1/holds', '/v1/health/report'];
    await Promise.all([
      api('POST', '/v1/health/sweeps', { key: runtime.adminKey }),
      ...Array.from({ length: 4 }, () =>
        paths.map((path) => api('GET', path, { key: unknownKey, headers: {} })),
      ).flat(),
    ]);
    const lines = logLines().slice(before);
    const byMessage = (message: string) => lines.filter((line) => line.message === message);

    const sweeps = byMessage('health sweep');
    expect(sweeps.length).toBeGreaterThan(0);
    for (const line of sweeps) expect(line.function_name, JSON.stringify(line)).toBe('health-sweep');

    const lookups = byMessage('unknown or revoked API key');
    for (const line of lookups) expect(line.function_name).toBe('authorizer');

    // A line of a request names the function that serves its route.
    const functionOfRoute = new Map(httpRoutes().map((route) => [route.routeKey, route.functionId]));
    for (const line of lines.filter((entry) => entry.routeKey)) {
      expect(line.function_name).toBe(functionOfRoute.get(line.routeKey!));
    }
    // One request id per invocation: no two functions share one.
    const functionsOfRequest = new Map<string, Set<string>>();
    for (const line of lines) {
      if (!line.function_request_id || !line.function_name) continue;
      const names = functionsOfRequest.get(line.function_request_id) ?? new Set();
      names.add(line.function_name);
      functionsOfRequest.set(line.function_request_id, names);
    }
    for (const names of functionsOfRequest.values()) expect(names.size).toBe(1);
  });
});
