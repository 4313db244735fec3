import { ForbiddenError } from '#platform/errors.js';
import { bind, httpFunction } from '#platform/http/http-function.js';
import { readableOwner } from '#platform/http/principal.js';
import { table } from '#platform/table.js';
import { listUserEvents } from '#shared/notifications/user-events.js';
import { listEventsRoute } from './contract.js';

export const handler = httpFunction([
  bind(listEventsRoute, async ({ principal, query }) => {
    const userId = readableOwner(
      principal,
      query.userId,
      () => new ForbiddenError('Only admins list the events of others'),
    );
    const { type, from, to, limit, cursor } = query;
    return {
      status: 200,
      body: await listUserEvents(table(), userId, { type, from, to }, { limit, cursor }),
    };
  }),
]);
