import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';
import { pageQuerySchema, pageSchema } from '#platform/pagination.js';
import { idOf, timestamp } from '#platform/schemas.js';
import { EVENT_TYPES } from '#shared/notifications/event-types.js';

export const eventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    timestamp,
    subject: z.string().meta({ description: 'What the event is about, e.g. `budget:bd_...`' }),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Event' });

const eventTypeFilter = z
  .string()
  .regex(/^[a-z]+(\.[a-z_]+)*(\.\*)?$/, 'must be an event type or a prefix such as "budget.*"')
  .max(100)
  .meta({ description: `An event type (${EVENT_TYPES.join(', ')}) or a prefix such as \`budget.*\`` });

export const listEventsRoute = defineRoute({
  method: 'GET',
  path: '/v1/events',
  operationId: 'listEvents',
  access: 'user',
  summary: "The caller's events, newest first (admins: any user's with userId)",
  description:
    'Budget alerts, expansions, suspensions, workflow outcomes and webhook endpoint changes of the budgets and workflows the caller owns or belongs to. Filters: `type`, and `from`/`to` (inclusive) on the time. A filtered page may hold fewer than `limit` events and still have a `nextCursor`.',
  tags: ['events'],
  query: pageQuerySchema.extend({
    userId: idOf('usr').optional(),
    type: eventTypeFilter.optional(),
    from: timestamp.optional(),
    to: timestamp.optional(),
  }),
  errors: { 403: ['forbidden'] },
  responses: { 200: { description: 'A page of events', schema: pageSchema(eventSchema) } },
});

export const eventRoutes = [listEventsRoute];
