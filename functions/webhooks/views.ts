import type { HttpResult } from '#platform/http/http-function.js';
import type { Delivery } from '#shared/webhooks/delivery.js';
import type { WebhookEndpoint } from '#shared/webhooks/endpoint.js';
import type { EndpointWithSecret } from '#shared/webhooks/endpoints.js';

/** An endpoint as the API shows it: never its secrets. */
export const endpointView = (endpoint: WebhookEndpoint) => ({
  id: endpoint.id,
  url: endpoint.url,
  events: endpoint.events,
  description: endpoint.description,
  status: endpoint.status,
  disabledReason: endpoint.disabledReason,
  previousSecretExpiresAt: endpoint.previousSecretExpiresAt,
  createdAt: endpoint.createdAt,
  updatedAt: endpoint.updatedAt,
});

export const withSecretAnswer =
  (status: number) =>
  (endpoint: EndpointWithSecret): HttpResult => ({
    status,
    body: { ...endpointView(endpoint), secret: endpoint.shownSecret },
  });

export const deliveryView = (delivery: Delivery) => ({
  id: delivery.id,
  endpointId: delivery.endpointId,
  eventId: delivery.eventId,
  eventType: delivery.eventType,
  status: delivery.status,
  attempts: delivery.attempts,
  nextAttemptAt: delivery.nextAttemptAt,
  createdAt: delivery.createdAt,
  updatedAt: delivery.updatedAt,
});

export const deliveryAnswer = (delivery: Delivery): HttpResult => ({
  status: 202,
  body: deliveryView(delivery),
});
