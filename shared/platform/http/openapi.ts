import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import type { RouteSpec } from './route.js';

const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable machine-readable error code' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })),
    requestId: z.string(),
  })
  .meta({ id: 'Problem' });

const problem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
});

function errorResponses(spec: RouteSpec) {
  const responses: NonNullable<RouteConfig['responses']> = {
    400: problem('Malformed request (invalid JSON, missing Idempotency-Key)'),
    404: problem('Not found, or not yours'),
    422: problem('Validation failed; `errors` lists the field paths'),
    429: problem('Throttled; retry after Retry-After seconds'),
    500: problem('Unexpected error (a bug)'),
    503: problem('A dependency is unavailable; retry after Retry-After seconds'),
  };
  if (spec.access !== 'public') responses[401] = problem('Missing, unknown or revoked API key');
  if (spec.access === 'admin') responses[403] = problem('Needs the admin role');
  if (spec.idempotencyKey) responses[409] = problem('State conflict');
  return responses;
}

function toRouteConfig(spec: RouteSpec): RouteConfig {
  const headers = spec.idempotencyKey
    ? z.object({
        'idempotency-key':
          spec.idempotencyKey === 'required'
            ? z.string().min(1).max(255)
            : z.string().min(1).max(255).optional(),
      })
    : undefined;
  const success = Object.fromEntries(
    Object.entries(spec.responses).map(([status, response]) => [
      status,
      {
        description: response.description,
        ...(response.schema
          ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }
          : {}),
      },
    ]),
  );
  return {
    method: spec.method.toLowerCase() as RouteConfig['method'],
    path: spec.path,
    summary: spec.summary,
    tags: spec.tags,
    security: spec.access === 'public' ? [] : [{ apiKey: [] }],
    request: {
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(headers ? { headers } : {}),
      ...(spec.body
        ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } }
        : {}),
    },
    responses: { ...success, ...errorResponses(spec) },
  };
}

/** The OpenAPI 3.1 document of the given routes, generated from their zod schemas. */
export function openApiDocument(routes: RouteSpec[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: Authorization: Bearer prsm_...',
  });
  for (const spec of routes) registry.registerPath(toRouteConfig(spec));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'PRSM API',
      version: '1.0.0',
      description: 'FTNS ledger, budgets, marketplace, research workflows and health',
    },
    servers: [{ url: '/' }],
  });
}
