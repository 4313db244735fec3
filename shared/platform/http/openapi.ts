import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
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
  .meta({ description: 'RFC 9457 problem details with a stable `code`' });

/** What API Gateway answers itself, before or instead of our function: `{ "message": "..." }`. */
const gatewayMessageSchema = z
  .object({ message: z.string() })
  .meta({ id: 'GatewayMessage', description: "API Gateway's own answer, not problem+json" });

const TAG_DESCRIPTIONS: Record<string, string> = {
  identity: 'Users, the caller and their API keys',
  ledger: 'FTNS accounts, grants, transfers, holds and the ledger audit',
  budgets: 'Budgets, their members, charges, alerts and expansion requests; cost estimates',
  prices: 'The price list of workflow components',
  marketplace: 'Listings, search, orders, refunds, entitlements, sales and reviews',
  workflows: 'Research workflows: submission, status, cancellation, artifacts and audit trails',
  safety: 'The safety policy that screens workflow prompts',
  health: "The health sweep's verdict, reports and history",
  platform: 'This document',
  events: "The caller's platform events: budget alerts, expansions, workflow outcomes, webhook changes",
  webhooks:
    'Webhook endpoints (Standard Webhooks signatures, secret rotation), delivery logs, retries and tests',
  network: 'The provider network: staked nodes, their leases of workflow phases, results, reputation',
};

/** The headers the API sets besides HTTP's own. */
const HEADERS = {
  'X-Request-Id': {
    description: 'The request id, also in problem+json bodies and in the logs',
    schema: { type: 'string' },
  },
  Location: { description: 'Where the created resource is read', schema: { type: 'string' } },
  'Idempotent-Replayed': {
    description: 'Present on the stored first answer to a repeated Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
} as const;

type HeaderName = keyof typeof HEADERS;

function headers(required: HeaderName[], optional: HeaderName[] = []) {
  return Object.fromEntries([
    ...required.map((name) => [name, { ...HEADERS[name], required: true }]),
    ...optional.map((name) => [name, HEADERS[name]]),
  ]);
}

/** A problem+json answer whose `status` and `code` are pinned to what this route can say. */
const problemContent = (status: number, codes: readonly string[]) => ({
  [PROBLEM_CONTENT_TYPE]: {
    schema: {
      allOf: [
        { $ref: '#/components/schemas/Problem' },
        { type: 'object', properties: { status: { const: status }, code: { enum: [...codes] } } },
      ],
    },
  },
});

const gatewayContent = { 'application/json': { schema: gatewayMessageSchema } };

interface Refusal {
  why: string;
  codes: Set<string>;
  /** API Gateway may answer this status itself, as a bare `{ message }` without our headers. */
  byGateway?: string;
}

const WHY: Record<number, string> = {
  400: 'Malformed request',
  401: 'Missing, unknown or revoked API key',
  402: 'Not enough FTNS: the balance or the budget does not cover the amount',
  403: 'Not allowed for this caller',
  404: 'Not found, or not yours',
  409: 'State conflict',
  413: 'The body is too large',
  415: 'The body is not JSON',
  422: 'Validation failed; `errors` lists the field paths',
  500: 'Unexpected error (a bug: report it with the request id)',
  503: 'A dependency is unavailable: retry after Retry-After seconds',
};

const hasPathParams = (spec: RouteSpec) => spec.path.includes('{');

/** Every refusal of a route: the ones its shape implies, in this one place, plus its contract's own. */
function refusalsOf(spec: RouteSpec): Map<number, Refusal> {
  const refusals = new Map<number, Refusal>();
  const add = (status: number, codes: readonly string[], byGateway?: string) => {
    const refusal = refusals.get(status) ?? { why: WHY[status] ?? 'Refused', codes: new Set() };
    for (const code of codes) refusal.codes.add(code);
    if (byGateway) refusal.byGateway = byGateway;
    refusals.set(status, refusal);
  };
  if (spec.body) add(400, ['malformed_json']);
  if (spec.idempotencyKey === 'required') add(400, ['idempotency_key_required']);
  if (spec.idempotencyKey) add(400, ['idempotency_key_invalid']);
  if (hasPathParams(spec))
    add(400, [], 'API Gateway refuses a path it cannot decode (a broken %-escape) itself');
  // The authorizer runs for every request (no identity source), so every 401 is the handler's.
  if (spec.access !== 'public') add(401, ['unauthorized']);
  if (spec.access === 'admin') add(403, ['forbidden']);
  if (hasPathParams(spec)) add(404, ['not_found']);
  if (spec.body) {
    add(413, ['body_too_large'], 'API Gateway refuses a body over 10 MB itself');
    add(415, ['unsupported_media_type']);
  }
  if (spec.params || spec.query || spec.body) add(422, ['validation_failed']);
  if (spec.idempotencyKey) add(422, ['idempotency_key_reused']);
  add(500, ['internal'], 'API Gateway answers 500 itself when the function fails');
  if (spec.access !== 'public') add(503, ['unavailable']);
  for (const [status, codes] of Object.entries(spec.errors ?? {})) add(Number(status), codes ?? []);
  return refusals;
}

const listCodes = (codes: Iterable<string>) => [...codes].map((code) => `\`${code}\``).join(', ');

function refusalResponse(status: number, refusal: Refusal): ResponseConfig {
  const retry: HeaderName[] = status === 503 ? ['Retry-After'] : [];
  const codes = [...refusal.codes];
  const description = [
    `${refusal.why}.`,
    codes.length ? `Codes: ${listCodes(codes)}.` : '',
    refusal.byGateway ? `${refusal.byGateway}, as \`{ message }\`.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    description,
    headers: refusal.byGateway ? headers(retry, ['X-Request-Id']) : headers(['X-Request-Id', ...retry]),
    content: {
      ...(codes.length ? problemContent(status, codes) : {}),
      ...(refusal.byGateway ? gatewayContent : {}),
    },
  } as ResponseConfig;
}

/** Throttling answers in API Gateway's form: a bare 429, no Retry-After (the stage's, or a key's in its function). */
const THROTTLED: ResponseConfig = {
  description: 'Throttled by API Gateway: slow down and retry',
  content: gatewayContent,
} as ResponseConfig;

function successResponses(spec: RouteSpec): Record<string, ResponseConfig> {
  return Object.fromEntries(
    Object.entries(spec.responses).map(([status, response]) => {
      const required: HeaderName[] = ['X-Request-Id'];
      if (response.location) required.push('Location');
      if (status === '503') required.push('Retry-After');
      const optional: HeaderName[] =
        spec.idempotencyKey && !status.startsWith('5') ? ['Idempotent-Replayed'] : [];
      return [
        status,
        {
          description: response.description,
          headers: headers(required, optional),
          ...(response.schema
            ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }
            : {}),
        } as ResponseConfig,
      ];
    }),
  );
}

/** The success and refusal answers of a route; a status both can give (GET /v1/health's 503) offers both bodies. */
function responsesOf(spec: RouteSpec): Record<string, ResponseConfig> {
  const responses = successResponses(spec);
  for (const [status, refusal] of refusalsOf(spec)) {
    const own = refusalResponse(status, refusal);
    const success = responses[status];
    responses[status] = success
      ? {
          ...success,
          description: `${success.description}; or: ${own.description}`,
          content: { ...success.content, ...own.content },
        }
      : own;
  }
  responses[429] = THROTTLED;
  return responses;
}

const ACCESS: Record<RouteSpec['access'], string> = {
  public: 'Open to anyone, no API key needed.',
  user: 'Needs an API key.',
  admin: 'Needs an API key of an admin.',
};

function descriptionOf(spec: RouteSpec): string {
  const lines = [spec.description ?? `${spec.summary}.`, ACCESS[spec.access]];
  if (spec.idempotencyKey) {
    lines.push(
      `${spec.idempotencyKey === 'required' ? 'Requires' : 'Takes'} an \`Idempotency-Key\` header: ` +
        'the same key with the same request gets the first answer again (`Idempotent-Replayed: true`); ' +
        'with another request, 422 `idempotency_key_reused`.',
    );
  }
  const own = Object.entries(spec.errors ?? {}).map(
    ([status, codes]) => `${status} ${listCodes(codes ?? [])}`,
  );
  if (own.length > 0) lines.push(`Refuses with ${own.join('; ')}.`);
  return lines.join('\n\n');
}

function toRouteConfig(spec: RouteSpec): RouteConfig {
  const idempotencyHeader = spec.idempotencyKey
    ? z.object({
        'idempotency-key': (spec.idempotencyKey === 'required'
          ? z.string().min(1).max(255)
          : z.string().min(1).max(255).optional()
        ).meta({ description: 'A key of your choosing, unique per request you mean' }),
      })
    : undefined;
  return {
    method: spec.method.toLowerCase() as RouteConfig['method'],
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    description: descriptionOf(spec),
    tags: spec.tags,
    security: spec.access === 'public' ? [] : [{ apiKey: [] }],
    request: {
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(idempotencyHeader ? { headers: idempotencyHeader } : {}),
      ...(spec.body
        ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } }
        : {}),
    },
    responses: responsesOf(spec),
  };
}

function tagsOf(routes: RouteSpec[]) {
  const names = [...new Set(routes.flatMap((spec) => spec.tags))];
  return names.map((name) => {
    const description = TAG_DESCRIPTIONS[name];
    if (!description) throw new Error(`OpenAPI: describe the tag ${name} in TAG_DESCRIPTIONS`);
    return { name, description };
  });
}

/** The OpenAPI 3.1 document of the given routes, generated from their zod schemas. */
export function openApiDocument(routes: RouteSpec[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: Authorization: Bearer prsm_...',
  });
  const { $schema: _dialect, ...problem } = z.toJSONSchema(problemSchema);
  registry.registerComponent('schemas', 'Problem', problem as never);
  for (const spec of routes) registry.registerPath(toRouteConfig(spec));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'PRSM API',
      version: '1.0.0',
      description:
        'FTNS ledger, budgets, marketplace, research workflows and health. Amounts are decimal ' +
        'strings of FTNS; errors are RFC 9457 problem+json with a stable `code`.',
      contact: { name: 'PRSM maintainers', url: 'https://prsm.dev' },
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'The API that served this document' }],
    tags: tagsOf(routes),
  });
}
