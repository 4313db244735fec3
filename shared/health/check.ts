/** A health check: one probe of a component, a dependency or an integration point. */
export type CheckStatus = 'healthy' | 'degraded' | 'down';
export type CheckGroup = 'components' | 'dependencies' | 'integrations';

export interface CheckOutcome {
  status: CheckStatus;
  detail: string;
  /**
   * A money invariant is broken (the books do not sum to zero, a balance is negative, held is not
   * its active holds, a budget's spent is not its charges): the whole sweep scores 0, critical.
   */
  moneyInvariantBroken?: boolean;
}

export interface Check {
  /** Unique in a sweep, stable and low-cardinality: it names the check's metrics. */
  name: string;
  group: CheckGroup;
  /**
   * `audit`: reads whole indexes. Audits run after the probes, so that a probe's latency measures
   * its dependency, not the load of the scans running beside it.
   */
  kind?: 'probe' | 'audit';
  /** Overrides of the sweep's limits, for checks that do more than one read (the ledger audit). */
  limits?: Partial<CheckLimits>;
  /** `signal` aborts at the check's deadline: a check past it is abandoned, not left running. */
  run(signal: AbortSignal): Promise<CheckOutcome>;
}

export interface CheckResult extends CheckOutcome {
  name: string;
  latencyMs: number;
}

export interface CheckLimits {
  /** A check that has not answered by then is down. */
  timeoutMs: number;
  /** A check slower than this is degraded. */
  slowMs: number;
}

export const defaultLimits: CheckLimits = { timeoutMs: 5_000, slowMs: 1_000 };

/**
 * Runs one check with a deadline; a throw or a timeout is `down`, never an unhandled error. At
 * the deadline the check's signal aborts, so its reads stop (the SDK abandons the request and a
 * paging audit stops at its next page) instead of loading the table for nothing.
 */
export async function runCheck(check: Check, sweepLimits: CheckLimits = defaultLimits): Promise<CheckResult> {
  const limits = { ...sweepLimits, ...check.limits };
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`abandoned past its ${limits.timeoutMs} ms deadline`));
      resolve({ status: 'down', detail: `no answer within ${limits.timeoutMs} ms (abandoned)` });
    }, limits.timeoutMs);
  });
  const outcome = await Promise.race([
    check
      .run(controller.signal)
      .catch((error: unknown): CheckOutcome => ({ status: 'down', detail: describe(error) })),
    deadline,
  ]);
  clearTimeout(timer);
  const latencyMs = Math.round(performance.now() - started);
  if (outcome.status === 'healthy' && latencyMs > limits.slowMs) {
    return { name: check.name, status: 'degraded', detail: `slow: ${latencyMs} ms`, latencyMs };
  }
  return { name: check.name, ...outcome, latencyMs };
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : 'unknown error';
