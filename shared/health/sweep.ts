import { type Clock, systemClock } from '#platform/clock.js';
import { newId } from '#platform/ids.js';
import { type Check, type CheckLimits, type CheckResult, defaultLimits, runCheck } from './check.js';
import { acquireSweepLease, releaseSweepLease, SweepInProgressError } from './lease.js';
import { type MetricsSink, publishHealthMetrics } from './metrics.js';
import type { CapabilityProbes, ProbeDeps } from './probe-deps.js';
import { checksOf } from './probes.js';
import { type Band, scoreOf } from './score.js';
import { saveReport } from './store.js';

export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface HealthReport {
  id: string;
  checkedAt: string;
  status: HealthStatus;
  score: number;
  band: Band;
  ready: boolean;
  components: CheckResult[];
  dependencies: CheckResult[];
  integrations: CheckResult[];
}

/**
 * Runs the probes in parallel, then the audits in parallel, each check with its own deadline,
 * and scores the outcome. Audits scan whole indexes: run beside the probes they would load the
 * table and make the probes' latencies measure the scans instead of the dependencies.
 */
export async function sweep(
  checks: Check[],
  options: { clock?: Clock; limits?: CheckLimits; limitFactor?: number; id?: string } = {},
): Promise<HealthReport> {
  const { clock = systemClock, limits = defaultLimits, limitFactor = 1, id = newId('hs') } = options;
  const checkedAt = clock.now().toISOString();
  const scaled = <T extends Partial<CheckLimits>>(given: T): T =>
    Object.fromEntries(Object.entries(given).map(([name, ms]) => [name, ms * limitFactor])) as T;
  const runAll = (subset: Check[]) =>
    Promise.all(
      subset.map(async (check) => ({
        check,
        result: await runCheck(
          check.limits ? { ...check, limits: scaled(check.limits) } : check,
          scaled(limits),
        ),
      })),
    );
  const probes = await runAll(checks.filter((check) => check.kind !== 'audit'));
  const audits = await runAll(checks.filter((check) => check.kind === 'audit'));
  const byCheck = new Map([...probes, ...audits].map(({ check, result }) => [check, result]));
  const group = (name: Check['group']) =>
    checks.filter((check) => check.group === name).map((check) => byCheck.get(check) as CheckResult);
  const components = group('components');
  const dependencies = group('dependencies');
  const integrations = group('integrations');
  const score = scoreOf([components, dependencies, integrations]);
  const all = [...components, ...dependencies, ...integrations];
  const status: HealthStatus = !score.ready
    ? 'down'
    : all.every((r) => r.status === 'healthy')
      ? 'ok'
      : 'degraded';
  return { id, checkedAt, status, ...score, components, dependencies, integrations };
}

type LogMethod = (message: string, attributes: Record<string, unknown>) => void;

export interface SweepDeps extends ProbeDeps {
  log: { info: LogMethod; warn: LogMethod; error: LogMethod };
  metrics: MetricsSink;
  /** Defaults to every capability's probes. */
  probes?: readonly CapabilityProbes[];
  limits?: CheckLimits;
  /** Multiplies every check's time limits: the local AWS answers far slower than DynamoDB. */
  limitFactor?: number;
  /** How long a sweep holds its lease at most (the sweep function's timeout). */
  leaseMs?: number;
}

/** The sweep function's timeout: no sweep outlives it, so its lease need not either. */
const SWEEP_LEASE_MS = 60_000;

const logLevel = { ok: 'info', degraded: 'warn', down: 'error' } as const;

/**
 * One sweep end to end: run the checks, then log the verdict and publish its metrics before
 * storing it, because logs and metrics still reach CloudWatch when the table does not (a sweep
 * that cannot store itself fails after that, and the stale verdict turns `GET /v1/health` down).
 */
export async function sweepAndRecord(deps: SweepDeps, id: string): Promise<HealthReport> {
  const leaseMs = deps.leaseMs ?? SWEEP_LEASE_MS * (deps.limitFactor ?? 1);
  let leased = false;
  try {
    leased = await acquireSweepLease(deps.table, id, deps.clock.now(), leaseMs);
    if (!leased) throw new SweepInProgressError();
  } catch (error) {
    if (error instanceof SweepInProgressError) throw error;
    // The table cannot be reached: nothing to coordinate with, and the outage must still be logged.
    deps.log.warn('health sweep lease unavailable', { reason: (error as Error).name });
  }
  try {
    return await recordSweep(deps, id);
  } finally {
    if (leased) await releaseSweepLease(deps.table, id).catch(() => undefined);
  }
}

async function recordSweep(deps: SweepDeps, id: string): Promise<HealthReport> {
  const report = await sweep(checksOf(deps, deps.probes), {
    id,
    clock: deps.clock,
    limits: deps.limits,
    limitFactor: deps.limitFactor,
  });
  const unwell = [...report.components, ...report.dependencies, ...report.integrations]
    .filter((result) => result.status !== 'healthy')
    .map(({ name, status, detail }) => ({ name, status, detail }));
  deps.log[logLevel[report.status]]('health sweep', {
    status: report.status,
    score: report.score,
    band: report.band,
    ready: report.ready,
    unwell,
  });
  publishHealthMetrics(deps.metrics, report);
  await saveReport(deps.table, report);
  return report;
}
