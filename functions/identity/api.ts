import { systemClock } from '#platform/clock.js';
import { NotFoundError } from '#platform/errors.js';
import { bind, httpFunction } from '#platform/http/http-function.js';
import { table } from '#platform/table.js';
import { createKey, listKeys, revokeKey } from '#shared/identity/keys.js';
import { createUser as createUserOp, getUser } from '#shared/identity/users.js';
import { createMyKey, createUser, getMe, listMyKeys, revokeMyKey } from './contract.js';

export const handler = httpFunction([
  bind(createUser, async ({ body }) => ({
    status: 201,
    body: await createUserOp(table(), body, systemClock),
  })),
  bind(getMe, async ({ principal }) => {
    const user = await getUser(table(), principal.userId);
    if (!user) throw new NotFoundError('user');
    return { status: 200, body: user };
  }),
  bind(listMyKeys, async ({ principal, query }) => ({
    status: 200,
    body: await listKeys(table(), principal.userId, query),
  })),
  bind(createMyKey, async ({ principal }) => ({
    status: 201,
    body: await createKey(table(), { id: principal.userId, role: principal.role }, systemClock),
  })),
  bind(revokeMyKey, async ({ principal, params }) => {
    await revokeKey(table(), principal.userId, params.keyId, systemClock);
    return { status: 204 };
  }),
]);
