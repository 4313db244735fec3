import * as z from 'zod';
import { defineRoute } from '#platform/http/route.js';

export const getOpenApi = defineRoute({
  method: 'GET',
  path: '/v1/openapi.json',
  operationId: 'getOpenApiDocument',
  access: 'public',
  summary: 'The OpenAPI 3.1 document of this API, generated from its schemas',
  tags: ['platform'],
  responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) } },
});

export const platformRoutes = [getOpenApi];
