import type { HealthReport } from './sweep.js';
import { type Verdict, verdictOf } from './verdict.js';

/**
 * How long `GET /v1/health` waits for the latest report: past it the table counts as
 * unreachable and the answer is 503 (the contract is an answer within 2 s even when AWS hangs).
 */
export const HEALTH_READ_DEADLINE_MS = 1_500;

export interface PublicVerdict {
  verdict: Verdict;
  /** Why the report could not be read (a failure, or the deadline), when it could not. */
  unreadable?: string;
}

/**
 * The public verdict, read within a deadline. The read is handed an abort signal so that a hung
 * request is abandoned, and the deadline holds even if the read ignores it.
 */
export async function publicVerdict(
  read: (signal: AbortSignal) => Promise<HealthReport | undefined>,
  options: { now: Date; intervalSeconds: number; deadlineMs: number },
): Promise<PublicVerdict> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${options.deadlineMs} ms`));
    }, options.deadlineMs);
  });
  try {
    const report = await Promise.race([read(controller.signal), deadline]);
    return { verdict: verdictOf(report, options.now, options.intervalSeconds) };
  } catch (error) {
    // The table itself is unreachable: that is the answer, not a 500.
    return {
      verdict: { status: 'down', score: 0, checkedAt: options.now.toISOString(), unavailable: true },
      unreadable: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
