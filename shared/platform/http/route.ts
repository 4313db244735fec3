import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Access = 'public' | 'user' | 'admin';

/**
 * The statuses a route refuses with for reasons of its own, each with the `code` values it can
 * carry. The answers every route of a shape gives (400, 401, 403 on admin routes, 404 on routes
 * with path parameters, 413/415 with a body, 422 `validation_failed`, 429, 500, 503) are added by
 * the OpenAPI generator; list here only what the route's domain code adds.
 */
export type RefusalStatus = 400 | 402 | 403 | 404 | 409 | 422 | 503;
export type Refusals = Partial<Record<RefusalStatus, readonly string[]>>;

export interface SuccessResponse {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  /**
   * The `Location` of the resource this answer created, a path whose `{field}`s are filled from
   * the answer's body (e.g. `/v1/holds/{id}`); the handler chain sets the header.
   */
  location?: `/v1/${string}`;
}

/** The contract of one route: what OpenAPI documents and what the handler chain enforces. */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  path: `/v1/${string}`;
  /** Stable camelCase name of the operation (OpenAPI `operationId`): client generators name methods by it. */
  operationId: string;
  access: Access;
  summary: string;
  /** More than the summary says, when there is more to say; the generator adds access, keys and refusals. */
  description?: string;
  tags: string[];
  /** `required` on every POST that moves money, `optional` on other creating POSTs. */
  idempotencyKey?: 'required' | 'optional';
  params?: P;
  query?: Q;
  body?: B;
  /** Success responses by status code. */
  responses: Record<number, SuccessResponse>;
  errors?: Refusals;
}

export const routeKey = (spec: Pick<RouteSpec, 'method' | 'path'>): string => `${spec.method} ${spec.path}`;

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec<P, Q, B> {
  return spec;
}

/** The `Location` header of an answer, when the route's contract gives one for its status. */
export function locationHeader(spec: RouteSpec, status: number, body: unknown): Record<string, string> {
  const template = spec.responses[status]?.location;
  if (!template || !body || typeof body !== 'object') return {};
  const fields = body as Record<string, unknown>;
  return {
    location: template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(fields[name]))),
  };
}
