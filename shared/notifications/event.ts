import * as z from 'zod';

/**
 * A platform event published on the notifications queue (budget alerts, expansions, ...).
 * Consumers store it once per `eventId`; webhook delivery can later subscribe to the same
 * stream without changing the publishers.
 */
export const platformEventSchema = z.object({
  eventId: z.string().min(1).max(128),
  type: z.string().regex(/^[a-z]+(\.[a-z_]+)+$/, 'must look like "budget.alert"'),
  occurredAt: z.iso.datetime(),
  /** What the event is about, e.g. `budget:bd_...`: events are listed per subject. */
  subject: z.string().min(1).max(200),
  data: z.record(z.string(), z.unknown()).default({}),
  /** The users who see it (events API, webhooks) when the publisher knows them; see audience.ts. */
  audience: z.array(z.string().min(1).max(64)).max(100).optional(),
  /** Written to the outbox with its cause: the consumer marks it published (outbox.ts). */
  outboxed: z.boolean().optional(),
});

export type PlatformEvent = z.infer<typeof platformEventSchema>;
