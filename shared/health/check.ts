/** A health check: one probe of a component, a dependency or an integration point. */
export type CheckStatus = 'healthy' | 'degraded' | 'down';
export type CheckGroup = 'components' | 'dependencies' | 'integrations';

export interface CheckOutcome {
  status: CheckStatus;
  detail: string;
}

export interface Check {
  /** Unique in a sweep, stable and low-cardinality: it names the check's metrics. */
  name: string;
  group: CheckGroup;
  /** Overrides of the sweep's limits, for checks that do more than one read (the ledger audit). */
  limits?: Partial<CheckLimits>;
  run(): Promise<CheckOutcome>;
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

/** Runs one check with a deadline; a throw or a timeout is `down`, never an unhandled error. */
export async function runCheck(check: Check, sweepLimits: CheckLimits = defaultLimits): Promise<CheckResult> {
  const limits = { ...sweepLimits, ...check.limits };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'down', detail: `no answer within ${limits.timeoutMs} ms` }),
      limits.timeoutMs,
    );
  });
  const outcome = await Promise.race([
    check.run().catch((error: unknown): CheckOutcome => ({ status: 'down', detail: describe(error) })),
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
