/** Every event type the events API lists and webhook endpoints subscribe to. */
export const EVENT_TYPES = [
  'budget.alert',
  'budget.expansion.requested',
  'budget.expansion.approved',
  'budget.expansion.denied',
  'budget.suspended',
  'workflow.completed',
  'workflow.failed',
  'workflow.cancelled',
  'order.completed',
  'order.refunded',
  'hold.expired',
  'node.slashed',
  'webhook.endpoint.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The type of the synthetic event `POST /v1/webhooks/endpoints/{id}/test` sends; never stored. */
export const TEST_EVENT_TYPE = 'webhook.test';
