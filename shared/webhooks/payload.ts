import type { EventView } from '#shared/notifications/event-view.js';

/**
 * The body of a webhook delivery: Standard Webhooks' `type`, `timestamp` and `data`, the event's
 * id and subject in `data`. The deliverer and `prsm webhooks listen` both send exactly this.
 */
export const deliveryPayload = (event: EventView): string =>
  JSON.stringify({
    type: event.type,
    timestamp: event.timestamp,
    data: { id: event.id, subject: event.subject, ...event.data },
  });
