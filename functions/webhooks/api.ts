import { ForbiddenError } from '#platform/errors.js';
import { bind, httpFunction, idempotent } from '#platform/http/http-function.js';
import { readableOwner } from '#platform/http/principal.js';
import { listDeliveries, retryDelivery, testEndpoint } from '#shared/webhooks/deliveries.js';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from '#shared/webhooks/endpoints.js';
import { webhookDeps } from '#shared/webhooks/webhook-deps.js';
import {
  createEndpointRoute,
  deleteEndpointRoute,
  getEndpointRoute,
  listDeliveriesRoute,
  listEndpointsRoute,
  retryDeliveryRoute,
  rotateSecretRoute,
  testEndpointRoute,
  updateEndpointRoute,
} from './contract.js';
import { deliveryAnswer, deliveryView, endpointView, withSecretAnswer } from './views.js';

export const handler = httpFunction([
  bind(createEndpointRoute, async (request) =>
    withSecretAnswer(201)(
      await createEndpoint(
        webhookDeps(),
        request.principal,
        request.body,
        idempotent(request, withSecretAnswer(201)),
      ),
    ),
  ),
  bind(listEndpointsRoute, async ({ principal, query }) => {
    const ownerId = readableOwner(
      principal,
      query.userId,
      () => new ForbiddenError('Only admins list the endpoints of others'),
    );
    const page = await listEndpoints(webhookDeps(), ownerId, query);
    return { status: 200, body: { ...page, items: page.items.map(endpointView) } };
  }),
  bind(getEndpointRoute, async ({ principal, params }) => ({
    status: 200,
    body: endpointView(await getEndpoint(webhookDeps(), params.endpointId, principal)),
  })),
  bind(updateEndpointRoute, async ({ principal, params, body }) => ({
    status: 200,
    body: endpointView(await updateEndpoint(webhookDeps(), params.endpointId, principal, body)),
  })),
  bind(deleteEndpointRoute, async ({ principal, params }) => {
    await deleteEndpoint(webhookDeps(), params.endpointId, principal);
    return { status: 204 };
  }),
  bind(rotateSecretRoute, async (request) =>
    withSecretAnswer(200)(
      await rotateSecret(
        webhookDeps(),
        request.params.endpointId,
        request.principal,
        request.body.overlapSeconds,
        idempotent(request, withSecretAnswer(200)),
      ),
    ),
  ),
  bind(testEndpointRoute, async (request) =>
    deliveryAnswer(
      await testEndpoint(
        webhookDeps(),
        request.params.endpointId,
        request.principal,
        idempotent(request, deliveryAnswer),
      ),
    ),
  ),
  bind(listDeliveriesRoute, async ({ principal, params, query }) => {
    const page = await listDeliveries(webhookDeps(), params.endpointId, principal, query);
    return { status: 200, body: { ...page, items: page.items.map(deliveryView) } };
  }),
  bind(retryDeliveryRoute, async (request) =>
    deliveryAnswer(
      await retryDelivery(
        webhookDeps(),
        request.params.endpointId,
        request.params.deliveryId,
        request.principal,
        idempotent(request, deliveryAnswer),
      ),
    ),
  ),
]);
