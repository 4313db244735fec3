import { systemClock } from '#platform/clock.js';
import { config } from '#platform/config.js';
import { NotFoundError } from '#platform/errors.js';
import { bind, httpFunction } from '#platform/http/http-function.js';
import { localTimeoutFactor } from '#platform/local-slack.js';
import { logger } from '#platform/logger.js';
import { table } from '#platform/table.js';
import { HEALTH_READ_DEADLINE_MS, publicVerdict } from '#shared/health/public-verdict.js';
import { latestReport, reportHistory } from '#shared/health/store.js';
import { getHealth, getHealthReport, listHealthHistory } from './contract.js';

export const handler = httpFunction([
  bind(getHealth, async () => {
    const { verdict, unreadable } = await publicVerdict(
      (signal) => latestReport(table(), systemClock, signal),
      {
        now: systemClock.now(),
        intervalSeconds: config().SCHEDULE_INTERVAL_SECONDS,
        deadlineMs: HEALTH_READ_DEADLINE_MS * localTimeoutFactor(),
      },
    );
    if (unreadable) logger.warn('health history unreadable', { reason: unreadable });
    const { unavailable, ...body } = verdict;
    return unavailable ? { status: 503, body, headers: { 'retry-after': '30' } } : { status: 200, body };
  }),
  bind(getHealthReport, async () => {
    const report = await latestReport(table(), systemClock);
    if (!report) throw new NotFoundError('health report: no sweep has run yet');
    return { status: 200, body: report };
  }),
  bind(listHealthHistory, async ({ query }) => ({
    status: 200,
    body: await reportHistory(table(), query, systemClock),
  })),
]);
