import { systemClock } from '#platform/clock.js';
import { config } from '#platform/config.js';
import { NotFoundError } from '#platform/errors.js';
import { bind, httpFunction } from '#platform/http/http-function.js';
import { logger } from '#platform/logger.js';
import { table } from '#platform/table.js';
import { latestReport, reportHistory } from '#shared/health/store.js';
import { verdictOf } from '#shared/health/verdict.js';
import { getHealth, getHealthReport, listHealthHistory } from './contract.js';

export const handler = httpFunction([
  bind(getHealth, async () => {
    const now = systemClock.now();
    try {
      const verdict = verdictOf(
        await latestReport(table(), systemClock),
        now,
        config().SCHEDULE_INTERVAL_SECONDS,
      );
      const { unavailable, ...body } = verdict;
      return unavailable ? { status: 503, body, headers: { 'retry-after': '30' } } : { status: 200, body };
    } catch (error) {
      // The table itself is unreachable: that is the answer, not a 500.
      logger.warn('health history unreadable', error as Error);
      return {
        status: 503,
        body: { status: 'down', score: 0, checkedAt: now.toISOString() },
        headers: { 'retry-after': '30' },
      };
    }
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
