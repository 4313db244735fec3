import { createHash } from 'node:crypto';
import type { PlatformEvent } from './event.js';

/** An event as the API shows it and webhooks deliver it (Standard Webhooks' type, timestamp, data). */
export interface EventView {
  id: string;
  type: string;
  timestamp: string;
  subject: string;
  data: Record<string, unknown>;
}

/** The public id: stable, derived from the publisher's event id (which may carry `#` and keys). */
export const publicEventId = (eventId: string): string =>
  `evt_${createHash('sha256').update(eventId).digest('hex').slice(0, 32)}`;

export const eventView = (event: PlatformEvent): EventView => ({
  id: publicEventId(event.eventId),
  type: event.type,
  timestamp: event.occurredAt,
  subject: event.subject,
  data: event.data,
});
