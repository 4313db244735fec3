import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Access = 'public' | 'user' | 'admin';

/** The contract of one route: what OpenAPI documents and what the handler chain enforces. */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  path: `/v1/${string}`;
  access: Access;
  summary: string;
  tags: string[];
  /** `required` on every POST that moves money, `optional` on other creating POSTs. */
  idempotencyKey?: 'required' | 'optional';
  params?: P;
  query?: Q;
  body?: B;
  /** Success responses by status code. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

export const routeKey = (spec: Pick<RouteSpec, 'method' | 'path'>): string => `${spec.method} ${spec.path}`;

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec<P, Q, B> {
  return spec;
}
