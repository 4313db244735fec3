import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { s3Client, sqsClient } from '#platform/aws-clients.js';
import { systemClock } from '#platform/clock.js';
import { config } from '#platform/config.js';
import { bind, type HttpEvent, httpFunction } from '#platform/http/http-function.js';
import { newId } from '#platform/ids.js';
import { logger } from '#platform/logger.js';
import { table } from '#platform/table.js';
import { defaultRetry } from '#platform/transaction.js';
import { SweepInProgressError } from '#shared/health/lease.js';
import { HEALTH_METRICS } from '#shared/health/metric-names.js';
import { discardMetrics } from '#shared/health/metrics.js';
import { type SweepDeps, sweepAndRecord } from '#shared/health/sweep.js';
import { postHealthSweep } from './contract.js';

let deps: SweepDeps | undefined;

/** Created on first use and kept for the container's life, like the SDK clients. */
function sweepDeps(): SweepDeps {
  if (deps) return deps;
  const { BUCKET_NAME, QUEUE_URLS, STAGE } = config();
  deps = {
    table: table(),
    clock: systemClock,
    retry: defaultRetry,
    // Locally the checks get the local runtime's slack, as its functions' timeouts do.
    limitFactor: STAGE === 'local' ? Number(process.env.PRSM_LOCAL_TIMEOUT_FACTOR ?? 4) : 1,
    s3: s3Client(),
    bucketName: BUCKET_NAME,
    sqs: sqsClient(),
    queueUrls: QUEUE_URLS,
    log: {
      info: (message, attributes) => logger.info(message, attributes),
      warn: (message, attributes) => logger.warn(message, attributes),
      error: (message, attributes) => logger.error(message, attributes),
    },
    metrics:
      STAGE === 'local'
        ? discardMetrics
        : new Metrics({
            namespace: HEALTH_METRICS.namespace,
            serviceName: 'prsm',
            defaultDimensions: { stage: STAGE },
          }),
  };
  return deps;
}

async function sweepNow() {
  const sweepId = newId('hs');
  // Every line logged during the sweep (the probes' too) carries its id.
  logger.appendKeys({ sweepId });
  return sweepAndRecord(sweepDeps(), sweepId);
}

const onSchedule = middy(async (_event: ScheduledEvent) => {
  try {
    const report = await sweepNow();
    return { id: report.id, status: report.status, score: report.score };
  } catch (error) {
    if (!(error instanceof SweepInProgressError)) throw error;
    // Another sweep (a POST, or a late run of the schedule) holds the lease: its report stands.
    logger.info('health sweep skipped: another sweep is under way');
    return { skipped: true };
  }
}).use(injectLambdaContext(logger, { resetKeys: true, logEvent: false })); // events may carry API keys

const onRequest = httpFunction([
  bind(postHealthSweep, async () => ({ status: 201, body: await sweepNow() })),
]);

/**
 * Two triggers, one function (the only one allowed to probe everything and resolve holds): the
 * EventBridge schedule, and POST /v1/health/sweeps through API Gateway, whose events name the
 * matched route.
 */
export const handler = (event: ScheduledEvent | HttpEvent, context: Context) =>
  'routeKey' in event ? onRequest(event, context) : onSchedule(event, context);
