import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitName } from '@aws-lambda-powertools/metrics/types';
import { HEALTH_METRICS } from './metric-names.js';
import type { HealthReport } from './sweep.js';

/** The part of Powertools Metrics the sweep uses (tests pass a recorder). */
export interface MetricsSink {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: MetricUnitName, value: number): unknown;
  publishStoredMetrics(): unknown;
}

/** Where no CloudWatch reads stdout (the local runtime): EMF records would only bury the console. */
export const discardMetrics: MetricsSink = {
  addDimension: () => undefined,
  addMetric: () => undefined,
  publishStoredMetrics: () => undefined,
};

/**
 * One EMF record per check, dimensioned by the check's name (a short, fixed list: never an id),
 * then one with the score. Powertools adds the default dimensions (service, stage) to each.
 */
export function publishHealthMetrics(metrics: MetricsSink, report: HealthReport): void {
  for (const result of [...report.components, ...report.dependencies, ...report.integrations]) {
    metrics.addDimension('check', result.name);
    metrics.addMetric(HEALTH_METRICS.checkHealthy, MetricUnit.Count, result.status === 'healthy' ? 1 : 0);
    metrics.addMetric(HEALTH_METRICS.checkDegraded, MetricUnit.Count, result.status === 'degraded' ? 1 : 0);
    metrics.addMetric(HEALTH_METRICS.checkDown, MetricUnit.Count, result.status === 'down' ? 1 : 0);
    metrics.addMetric(HEALTH_METRICS.checkLatency, MetricUnit.Milliseconds, result.latencyMs);
    metrics.publishStoredMetrics();
  }
  metrics.addMetric(HEALTH_METRICS.score, MetricUnit.Percent, report.score);
  metrics.addMetric(
    HEALTH_METRICS.moneyInvariantBroken,
    MetricUnit.Count,
    report.band === 'critical' ? 1 : 0,
  );
  metrics.publishStoredMetrics();
}
