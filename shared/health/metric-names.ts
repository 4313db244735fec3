/**
 * Names shared by the sweep that emits the health metrics (EMF) and the stack that alarms on
 * them. Kept free of imports so that the CDK app can read them without loading Powertools.
 */
export const HEALTH_METRICS = {
  namespace: 'PRSM',
  score: 'HealthScore',
  /** Per check, each 0 or 1: one metric per status, so an alarm can watch one check going down. */
  checkHealthy: 'CheckHealthy',
  checkDegraded: 'CheckDegraded',
  checkDown: 'CheckDown',
  checkLatency: 'CheckLatency',
  /** Per sweep, 0 or 1: a money invariant is broken (alarmed at once). */
  moneyInvariantBroken: 'MoneyInvariantBroken',
} as const;
