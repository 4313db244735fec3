import { type Clock, systemClock } from '#platform/clock.js';
import { newId } from '#platform/ids.js';
import { type Check, type CheckLimits, type CheckResult, defaultLimits, runCheck } from './check.js';
import { type Band, scoreOf } from './score.js';

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

/** Runs every check in parallel, each with its own deadline, and scores the outcome. */
export async function sweep(
  checks: Check[],
  options: { clock?: Clock; limits?: CheckLimits } = {},
): Promise<HealthReport> {
  const { clock = systemClock, limits = defaultLimits } = options;
  const checkedAt = clock.now().toISOString();
  const results = await Promise.all(
    checks.map(async (check) => ({ check, result: await runCheck(check, limits) })),
  );
  const group = (name: Check['group']) => results.filter((r) => r.check.group === name).map((r) => r.result);
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
  return { id: newId('hs'), checkedAt, status, ...score, components, dependencies, integrations };
}
