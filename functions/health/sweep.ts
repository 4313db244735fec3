import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { s3Client, sqsClient } from '#platform/aws-clients.js';
import { config } from '#platform/config.js';
import { logger } from '#platform/logger.js';
import { table } from '#platform/table.js';
import { dynamoCheck, queueCheck, s3Check } from '#shared/health/dependency-checks.js';
import { saveReport } from '#shared/health/store.js';
import { sweep } from '#shared/health/sweep.js';

const checks = () => {
  const { BUCKET_NAME, QUEUE_URLS } = config();
  return [
    dynamoCheck(table()),
    s3Check(s3Client(), BUCKET_NAME),
    ...Object.entries(QUEUE_URLS).map(([name, url]) => queueCheck(sqsClient(), name, url)),
  ];
};

export async function runSweep(_event: ScheduledEvent) {
  const report = await sweep(checks());
  logger.appendKeys({ sweepId: report.id });
  logger.info('health sweep', { status: report.status, score: report.score, band: report.band });
  // A sweep that cannot store itself (the table is down) still logged its verdict above.
  await saveReport(table(), report);
  return { id: report.id, status: report.status, score: report.score };
}

export const handler = middy(runSweep).use(injectLambdaContext(logger, { resetKeys: true }));
