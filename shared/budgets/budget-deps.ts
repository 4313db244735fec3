import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from '#platform/aws-clients.js';
import { queueUrl } from '#platform/config.js';
import type { LedgerDeps } from '#shared/ledger/ledger.js';
import { ledgerDeps } from '#shared/ledger/ledger.js';
import type { Publish } from './alerts.js';

/** Budgets need the ledger's dependencies and a way to publish platform events. */
export interface BudgetDeps extends LedgerDeps {
  publish: Publish;
}

export const publishToNotifications: Publish = async (event) => {
  await sqsClient().send(
    new SendMessageCommand({ QueueUrl: queueUrl('notifications'), MessageBody: JSON.stringify(event) }),
  );
};

let deps: BudgetDeps | undefined;
/** The budgets' dependencies in a Lambda, built once per container. */
export const budgetDeps = (): BudgetDeps => {
  deps ??= { ...ledgerDeps(), publish: publishToNotifications };
  return deps;
};
