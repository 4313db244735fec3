import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';
import { pageQuerySchema, pageSchema } from '#platform/pagination.js';
import { idOf, text, timestamp } from '#platform/schemas.js';
import { EVENT_TYPES } from '#shared/notifications/event-types.js';

const tags = ['webhooks'];

const eventTypes = z
  .array(z.enum([...EVENT_TYPES, '*']))
  .min(1)
  .max(EVENT_TYPES.length + 1)
  .meta({ description: 'The event types to deliver, or `["*"]` for all' });

const url = z.string().max(2048).meta({
  description:
    'https only (the local stage also takes http to loopback); refused with 422 `webhook_url_refused` when it is, or resolves to, a private, link-local or reserved address',
  example: 'https://example.com/prsm-webhooks',
});

export const endpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string(),
    status: z.enum(['enabled', 'disabled']),
    disabledReason: z.enum(['owner', 'failing']).nullable(),
    previousSecretExpiresAt: timestamp.nullable().meta({
      description: 'Until then deliveries carry a signature with the secret before the last rotation too',
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'WebhookEndpoint' });

const withSecret = endpointSchema
  .extend({
    secret: z.string().meta({ description: 'The signing secret (`whsec_...`): shown once, never again' }),
  })
  .meta({ id: 'WebhookEndpointWithSecret' });

export const deliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed', 'skipped']),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        at: timestamp,
        succeeded: z.boolean(),
        responseCode: z.number().int().nullable(),
        latencyMs: z.number().int(),
        error: z.string().nullable(),
      }),
    ),
    nextAttemptAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'WebhookDelivery' });

const endpointParams = z.object({ endpointId: idOf('we') });
const deliveryParams = endpointParams.extend({ deliveryId: idOf('dlv') });

export const createEndpointRoute = defineRoute({
  method: 'POST',
  path: '/v1/webhooks/endpoints',
  operationId: 'createWebhookEndpoint',
  access: 'user',
  summary: 'Register a webhook endpoint for the caller’s events; its secret is in this answer only',
  tags,
  idempotencyKey: 'optional',
  body: z.strictObject({ url, events: eventTypes, description: text(500).default('') }),
  errors: { 422: ['webhook_url_refused'] },
  responses: {
    201: {
      description: 'The endpoint and its secret',
      schema: withSecret,
      location: '/v1/webhooks/endpoints/{id}',
    },
  },
});

export const listEndpointsRoute = defineRoute({
  method: 'GET',
  path: '/v1/webhooks/endpoints',
  operationId: 'listWebhookEndpoints',
  access: 'user',
  summary: "The caller's webhook endpoints (admins: any user's with userId)",
  tags,
  query: pageQuerySchema.extend({ userId: idOf('usr').optional() }),
  errors: { 403: ['forbidden'] },
  responses: { 200: { description: 'A page of endpoints', schema: pageSchema(endpointSchema) } },
});

export const getEndpointRoute = defineRoute({
  method: 'GET',
  path: '/v1/webhooks/endpoints/{endpointId}',
  operationId: 'getWebhookEndpoint',
  access: 'user',
  summary: 'A webhook endpoint (its owner and admins)',
  tags,
  params: endpointParams,
  responses: { 200: { description: 'The endpoint', schema: endpointSchema } },
});

export const updateEndpointRoute = defineRoute({
  method: 'PATCH',
  path: '/v1/webhooks/endpoints/{endpointId}',
  operationId: 'updateWebhookEndpoint',
  access: 'user',
  summary: 'Change the URL, events or description; disable it, or enable it again (its owner and admins)',
  tags,
  params: endpointParams,
  body: z.strictObject({
    url: url.optional(),
    events: eventTypes.optional(),
    description: text(500).optional(),
    enabled: z.boolean().optional(),
  }),
  errors: { 409: ['endpoint_changed'], 422: ['webhook_url_refused'] },
  responses: { 200: { description: 'The endpoint', schema: endpointSchema } },
});

export const deleteEndpointRoute = defineRoute({
  method: 'DELETE',
  path: '/v1/webhooks/endpoints/{endpointId}',
  operationId: 'deleteWebhookEndpoint',
  access: 'user',
  summary: 'Delete a webhook endpoint; its pending deliveries are skipped (its owner and admins)',
  tags,
  params: endpointParams,
  responses: { 204: { description: 'Deleted' } },
});

export const rotateSecretRoute = defineRoute({
  method: 'POST',
  path: '/v1/webhooks/endpoints/{endpointId}/rotate-secret',
  operationId: 'rotateWebhookSecret',
  access: 'user',
  summary: 'A new signing secret; the old one also signs (two signatures) for overlapSeconds',
  tags,
  idempotencyKey: 'optional',
  params: endpointParams,
  body: z.strictObject({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(24 * 3600),
  }),
  errors: { 409: ['endpoint_changed'] },
  responses: { 200: { description: 'The endpoint and its new secret', schema: withSecret } },
});

export const testEndpointRoute = defineRoute({
  method: 'POST',
  path: '/v1/webhooks/endpoints/{endpointId}/test',
  operationId: 'testWebhookEndpoint',
  access: 'user',
  summary: 'Send a `webhook.test` event to the endpoint (delivered like any other, with retries)',
  tags,
  idempotencyKey: 'optional',
  params: endpointParams,
  errors: { 409: ['endpoint_disabled'] },
  responses: { 202: { description: 'The delivery, queued', schema: deliverySchema } },
});

export const listDeliveriesRoute = defineRoute({
  method: 'GET',
  path: '/v1/webhooks/endpoints/{endpointId}/deliveries',
  operationId: 'listWebhookDeliveries',
  access: 'user',
  summary: "The endpoint's delivery log, newest first: every attempt's status code and latency",
  tags,
  params: endpointParams,
  query: pageQuerySchema,
  responses: { 200: { description: 'A page of deliveries', schema: pageSchema(deliverySchema) } },
});

export const retryDeliveryRoute = defineRoute({
  method: 'POST',
  path: '/v1/webhooks/endpoints/{endpointId}/deliveries/{deliveryId}/retry',
  operationId: 'retryWebhookDelivery',
  access: 'user',
  summary: 'One more attempt of a finished delivery, now',
  tags,
  idempotencyKey: 'optional',
  params: deliveryParams,
  errors: { 409: ['endpoint_disabled', 'delivery_pending'] },
  responses: { 202: { description: 'The delivery, queued', schema: deliverySchema } },
});

export const webhookRoutes = [
  createEndpointRoute,
  listEndpointsRoute,
  getEndpointRoute,
  updateEndpointRoute,
  deleteEndpointRoute,
  rotateSecretRoute,
  testEndpointRoute,
  listDeliveriesRoute,
  retryDeliveryRoute,
];
