import { describe, expect, it } from 'vitest';
import { type Check, type CheckOutcome, runCheck } from '#shared/health/check.js';

const limits = { timeoutMs: 100, slowMs: 50 };
const answerAfter =
  (ms: number, outcome: CheckOutcome): Check['run'] =>
  () =>
    new Promise((resolve) => setTimeout(() => resolve(outcome), ms));
const check = (run: Check['run'], extra: Partial<Check> = {}): Check => ({
  name: 'probe',
  group: 'dependencies',
  run,
  ...extra,
});

describe('Health: runCheck', () => {
  it('passes a quick outcome through with its latency', async () => {
    const result = await runCheck(check(answerAfter(0, { status: 'healthy', detail: 'fine' })), limits);
    expect(result).toMatchObject({ name: 'probe', status: 'healthy', detail: 'fine' });
    expect(result.latencyMs).toBeLessThan(50);
  });

  it('turns a throw into down with the error, never an unhandled rejection', async () => {
    const result = await runCheck(
      check(async () => {
        throw new TypeError('connect ECONNREFUSED');
      }),
      limits,
    );
    expect(result).toMatchObject({ status: 'down', detail: 'TypeError: connect ECONNREFUSED' });
  });

  it('is down when no answer comes within the timeout', async () => {
    const result = await runCheck(check(answerAfter(1_000, { status: 'healthy', detail: '' })), limits);
    expect(result).toMatchObject({ status: 'down', detail: 'no answer within 100 ms' });
    expect(result.latencyMs).toBeLessThan(1_000);
  });

  it('marks a healthy but slow answer degraded', async () => {
    const result = await runCheck(check(answerAfter(70, { status: 'healthy', detail: '' })), limits);
    expect(result.status).toBe('degraded');
    expect(result.detail).toMatch(/^slow: \d+ ms$/);
  });

  it("lets a check widen the sweep's limits for itself", async () => {
    const slowScan = check(answerAfter(150, { status: 'healthy', detail: 'scanned' }), {
      limits: { timeoutMs: 1_000, slowMs: 500 },
    });
    expect(await runCheck(slowScan, limits)).toMatchObject({ status: 'healthy', detail: 'scanned' });
  });
});
