import type { Check } from '../check.js';
import { dynamoCheck, isDeadLetterQueue, queueCheck, queueCounts, s3Check } from '../dependency-checks.js';
import type { CapabilityProbes, ProbeDeps } from '../probe-deps.js';

/** Messages waiting or in flight in every DLQ: each one is work that failed all its receives. */
function deadLettersCheck(deps: ProbeDeps): Check {
  return {
    name: 'dlqs-empty',
    group: 'integrations',
    run: async () => {
      const dlqs = Object.entries(deps.queueUrls).filter(([name]) => isDeadLetterQueue(name));
      const depths = await Promise.all(
        dlqs.map(async ([name, url]) => {
          const { depth, inFlight } = await queueCounts(deps.sqs, url);
          return { name, depth: depth + inFlight };
        }),
      );
      const holding = depths.filter(({ depth }) => depth > 0);
      if (holding.length > 0) {
        return {
          status: 'degraded',
          detail: `dead letters waiting: ${holding.map(({ name, depth }) => `${name} holds ${depth}`).join(', ')}`,
        };
      }
      return { status: 'healthy', detail: `${dlqs.length} DLQ(s) empty` };
    },
  };
}

/** The platform's own dependencies: the table, the bucket, every queue and DLQ. */
export const platformProbes: CapabilityProbes = {
  capability: 'platform',
  checks: (deps) => [
    dynamoCheck(deps.table),
    s3Check(deps.s3, deps.bucketName),
    ...Object.entries(deps.queueUrls).map(([name, url]) => queueCheck(deps.sqs, name, url)),
    deadLettersCheck(deps),
  ],
};
