import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Check, type CheckOutcome, runCheck } from '#shared/health/check.js';

/**
 * Time is faked (timers and `performance.now`): a check "answers after 70 ms" when the test
 * moves the clock by 70 ms, so the latency and the slow/timeout verdicts are exact whatever the
 * machine's load.
 */
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

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
/** Runs the check while the fake clock moves on by `ms`. */
async function runFor(subject: Check, ms: number) {
  const pending = runCheck(subject, limits);
  await vi.advanceTimersByTimeAsync(ms);
  return pending;
}

describe('Health: runCheck', () => {
  it('passes a quick outcome through with its latency', async () => {
    const result = await runFor(check(answerAfter(20, { status: 'healthy', detail: 'fine' })), 20);
    expect(result).toEqual({ name: 'probe', status: 'healthy', detail: 'fine', latencyMs: 20 });
  });

  it('turns a throw into down with the error, never an unhandled rejection', async () => {
    const result = await runFor(
      check(async () => {
        throw new TypeError('connect ECONNREFUSED');
      }),
      0,
    );
    expect(result).toMatchObject({ status: 'down', detail: 'TypeError: connect ECONNREFUSED', latencyMs: 0 });
  });

  it('is down when no answer comes within the timeout', async () => {
    const result = await runFor(check(answerAfter(1_000, { status: 'healthy', detail: '' })), 1_000);
    expect(result).toEqual({
      name: 'probe',
      status: 'down',
      detail: 'no answer within 100 ms (abandoned)',
      latencyMs: 100,
    });
  });

  it('abandons a check past its deadline: its signal aborts, so its reads stop', async () => {
    let pagesRead = 0;
    const paging = check(async (signal) => {
      for (;;) {
        signal.throwIfAborted();
        await new Promise((resolve) => setTimeout(resolve, 30));
        pagesRead += 1;
      }
    });
    const result = await runFor(paging, 100);
    expect(result.status).toBe('down');
    const readByDeadline = pagesRead;
    await vi.advanceTimersByTimeAsync(300);
    expect(pagesRead).toBe(readByDeadline + 1); // the page under way at the deadline, then nothing
  });

  it('marks a healthy but slow answer degraded, and one at the limit healthy', async () => {
    const slow = await runFor(check(answerAfter(70, { status: 'healthy', detail: '' })), 70);
    expect(slow).toMatchObject({ status: 'degraded', detail: 'slow: 70 ms', latencyMs: 70 });
    const atLimit = await runFor(check(answerAfter(50, { status: 'healthy', detail: 'ok' })), 50);
    expect(atLimit).toMatchObject({ status: 'healthy', detail: 'ok', latencyMs: 50 });
  });

  it('keeps a slow answer that is already unwell as it is', async () => {
    const result = await runFor(check(answerAfter(70, { status: 'down', detail: 'broken' })), 70);
    expect(result).toMatchObject({ status: 'down', detail: 'broken', latencyMs: 70 });
  });

  it("lets a check widen the sweep's limits for itself", async () => {
    const slowScan = check(answerAfter(150, { status: 'healthy', detail: 'scanned' }), {
      limits: { timeoutMs: 1_000, slowMs: 500 },
    });
    expect(await runFor(slowScan, 150)).toMatchObject({
      status: 'healthy',
      detail: 'scanned',
      latencyMs: 150,
    });
  });
});
