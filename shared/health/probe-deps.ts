import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '#platform/clock.js';
import type { Table } from '#platform/table.js';
import type { RetryPolicy } from '#platform/transaction.js';
import type { Check } from './check.js';

/**
 * Everything a probe may touch, passed in by the sweep's handler (tests pass their own). It is a
 * superset of each capability's own deps (`LedgerDeps` is `{ table, clock, retry }`), so a probe
 * hands it straight to its domain code.
 */
export interface ProbeDeps {
  table: Table;
  clock: Clock;
  retry: RetryPolicy;
  s3: S3Client;
  bucketName: string;
  sqs: SQSClient;
  /** Queue id (and `<id>-dlq`) -> URL: every queue and DLQ the sweep watches. */
  queueUrls: Record<string, string>;
}

/** One capability's checks: its read path (a component) and the rules it promises (integrations). */
export interface CapabilityProbes {
  capability: string;
  checks(deps: ProbeDeps): Check[];
}
