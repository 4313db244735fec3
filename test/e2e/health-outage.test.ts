import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/http.js';
import { ownLocalAwsPid } from '../support/own-local-aws.js';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';

/**
 * A stopped local AWS. The test run shares one local AWS, so this runtime runs as its own
 * process without AWS_ENDPOINT_URL: it starts a moto of its own, and only that one is stopped.
 */
let runtime: RuntimeProcess;
let api: ReturnType<typeof apiClient>;

const eventually = async <T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = GENEROUS_WAIT_MS,
) => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

const withDeadline = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no end within ${ms} ms`)), ms),
    ),
  ]);

interface SweepLog {
  message: string;
  status: string;
  score: number;
  unwell: { name: string; status: string }[];
}

const sweepLogs = (): SweepLog[] =>
  runtime.output
    .filter((line) => line.startsWith('{') && line.includes('"health sweep"'))
    .map((line) => JSON.parse(line) as SweepLog);

beforeAll(async () => {
  runtime = await startRuntimeProcess(import.meta.filename, {
    AWS_ENDPOINT_URL: undefined,
    PRSM_SCHEDULE_INTERVAL_SECONDS: '1',
  });
  api = apiClient(runtime.url);
});

afterAll(async () => {
  if (runtime) expect(await withDeadline(runtime.stop(), GENEROUS_WAIT_MS, 'runtime stop')).toBe(0);
});

describe('Health: a stopped local AWS', () => {
  it('is reported down by the sweep, GET /v1/health answers 503, and the runtime keeps running', async () => {
    await eventually(async () => ((await api('GET', '/v1/health')).body.status === 'ok' ? true : undefined));
    const before = sweepLogs().length;

    process.kill(ownLocalAwsPid(runtime), 'SIGKILL');

    // The schedule (every second) sweeps against the dead endpoint: logged, not stored. A sweep
    // under way at the kill saw some checks pass; the one to wait for ran wholly after it.
    const down = await eventually(() =>
      sweepLogs()
        .slice(before)
        .find((log) => log.status === 'down' && log.score === 0),
    );
    const unwell = Object.fromEntries(down.unwell.map((check) => [check.name, check.status]));
    expect(unwell).toMatchObject({
      dynamodb: 'down',
      s3: 'down',
      'sqs:notifications': 'down',
      'sqs:notifications-dlq': 'down',
      identity: 'down',
      ledger: 'down',
      'ledger-invariants': 'down',
    });

    const verdict = await api('GET', '/v1/health');
    expect(verdict.status).toBe(503);
    expect(verdict.body.status).toBe('down');
    expect(verdict.headers.get('retry-after')).toBeTruthy();
    expect(runtime.alive()).toBe(true);
  });
});
