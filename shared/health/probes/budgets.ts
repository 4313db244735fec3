import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { formatFtns } from '#platform/money.js';
import { type Publish, publishPendingAlerts } from '#shared/budgets/alerts.js';
import { auditBudgets } from '#shared/budgets/audit.js';
import { listBudgets } from '#shared/budgets/budgets.js';
import { publishPendingEvents } from '#shared/notifications/outbox.js';
import type { CheckLimits } from '../check.js';
import type { CapabilityProbes, ProbeDeps } from '../probe-deps.js';

const SCANNING: Partial<CheckLimits> = { timeoutMs: 20_000, slowMs: 5_000 };
const LISTED = 5;

/** Repaired alerts are published like any other, when the sweep can reach the notifications queue. */
const publisherOf =
  (deps: ProbeDeps): Publish =>
  async (event) => {
    const url = deps.queueUrls.notifications;
    if (url)
      await deps.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(event) }));
  };

export const budgetProbes: CapabilityProbes = {
  capability: 'budgets',
  checks: (deps) => [
    {
      name: 'budgets',
      group: 'components',
      run: async () => {
        await listBudgets({ ...deps, publish: publisherOf(deps) }, 'usr_health_probe', { limit: 1 });
        return { status: 'healthy', detail: 'the budget listing reads answer' };
      },
    },
    {
      // Each budget's spent equals its charge records; any threshold its figures crossed has its alert.
      name: 'budgets-consistency',
      group: 'integrations',
      kind: 'audit',
      limits: SCANNING,
      run: async () => {
        const audit = await auditBudgets(deps, publisherOf(deps));
        // Order events share the outbox's repair with the alerts.
        const published =
          (await publishPendingAlerts(deps.table, publisherOf(deps))) +
          (await publishPendingEvents(deps.table, publisherOf(deps)));
        const repaired =
          (audit.repairedAlerts > 0 ? `; added ${audit.repairedAlerts} missing alert(s)` : '') +
          (published > 0 ? `; published ${published} pending alert(s)` : '');
        if (audit.drift.length > 0) {
          const listed = audit.drift
            .slice(0, LISTED)
            .map((d) => `${d.budgetId} (spent ${formatFtns(d.spent)}, charges ${formatFtns(d.ledger)})`);
          const more = audit.drift.length > LISTED ? ` and ${audit.drift.length - LISTED} more` : '';
          return { status: 'down', detail: `budget drift: ${listed.join(', ')}${more}${repaired}` };
        }
        return { status: 'healthy', detail: `${audit.budgets} budget(s) match their charges${repaired}` };
      },
    },
  ],
};
