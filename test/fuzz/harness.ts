import fc from 'fast-check';
import * as z from 'zod';
import type { HttpRoute } from '#infra/manifest.js';
import type { RouteSpec } from '#platform/http/route.js';
import type { ApiResponse } from '../support/http.js';
import { arbitraryFor, type JsonSchema, type KnownValues, wellFormedFor } from './arbitraries.js';

/** Every error answer is RFC 9457 problem+json with our fields. */
const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  code: z.string().min(1),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
  requestId: z.string().min(1),
});

export interface FuzzCase {
  caller: 'admin' | 'user' | 'anonymous';
  params: Record<string, string>;
  rawParams: boolean;
  query: Record<string, string>;
  body: { kind: 'json'; value: unknown } | { kind: 'raw'; text: string } | { kind: 'none' };
  idempotencyKey: string | undefined;
  contentType: string;
}

export type Send = (
  method: string,
  path: string,
  options: { key?: string; rawBody?: string; headers?: Record<string, string> },
) => Promise<ApiResponse>;

const jsonSchemaOf = (schema: z.ZodType | undefined): JsonSchema | undefined =>
  schema ? (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema) : undefined;

function caseArbitrary(spec: RouteSpec, known: KnownValues): fc.Arbitrary<FuzzCase> {
  const paramNames = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const params = fc.record(
    Object.fromEntries(paramNames.map((name) => [name, arbitraryFor({ type: 'string' }, known, name)])),
  );
  const query = spec.query
    ? (arbitraryFor(jsonSchemaOf(spec.query), known) as fc.Arbitrary<unknown>).map((value) =>
        value && typeof value === 'object' && !Array.isArray(value)
          ? Object.fromEntries(
              Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
            )
          : {},
      )
    : fc.constant({});
  const body = fc.oneof(
    {
      weight: 6,
      arbitrary: arbitraryFor(jsonSchemaOf(spec.body), known).map((value) => ({
        kind: 'json' as const,
        value,
      })),
    },
    {
      weight: 4,
      arbitrary: wellFormedFor(jsonSchemaOf(spec.body), known).map((value) => ({
        kind: 'json' as const,
        value,
      })),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((text) => ({ kind: 'raw' as const, text })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  );
  return fc.record({
    caller: fc.constantFrom('admin', 'user', 'user', 'anonymous'),
    params: params as fc.Arbitrary<Record<string, string>>,
    rawParams: fc.boolean(),
    query: query as fc.Arbitrary<Record<string, string>>,
    body,
    idempotencyKey: fc.oneof(fc.uuid(), fc.uuid(), fc.constant(undefined), fc.string({ maxLength: 300 })),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'text/plain',
      'application/merge-patch+json',
    ),
  });
}

function pathOf(spec: RouteSpec, fuzz: FuzzCase): string {
  const filled = spec.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const raw = fuzz.params[name];
    const value = typeof raw === 'string' ? raw : JSON.stringify(raw ?? '');
    // Raw values may hold `%`, `/` or nothing at all: the gateway must still answer 4xx.
    return fuzz.rawParams ? value.replace(/[?#\s]/g, '') : encodeURIComponent(value);
  });
  const query = new URLSearchParams(fuzz.query).toString();
  return query ? `${filled}?${query}` : filled;
}

/** What a response must be, whatever the request: a 4xx problem or a documented success, never a 5xx. */
export function verdictOf(spec: RouteSpec, response: ApiResponse): string | undefined {
  if (response.status >= 500)
    return `answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`;
  if (response.status >= 400) {
    // API Gateway's own answers (a body past its limit, a path it cannot decode) are `{ message }`.
    const fromGateway = response.status === 413 || response.status === 400;
    if (fromGateway && response.headers.get('content-type') === 'application/json')
      return typeof response.body?.message === 'string' ? undefined : 'a gateway answer without a message';
    if (response.headers.get('content-type') !== 'application/problem+json')
      return `a ${response.status} that is not problem+json`;
    const problem = problemSchema.safeParse(response.body);
    return problem.success ? undefined : `a malformed problem: ${problem.error.message.slice(0, 200)}`;
  }
  const documented = spec.responses[response.status];
  if (!documented) return `an undocumented status ${response.status}`;
  if (!documented.schema) return undefined;
  const parsed = documented.schema.safeParse(response.body);
  return parsed.success
    ? undefined
    : `a ${response.status} body off its schema: ${parsed.error.message.slice(0, 300)}`;
}

export interface FuzzReport {
  cases: number;
  failures: string[];
  statuses: Record<number, number>;
}

/** Fuzzes each route with `runs` cases; failures carry the route, the case and what went wrong. */
export async function fuzzRoutes(
  routes: HttpRoute[],
  send: Send,
  keys: { admin: string; user: string },
  known: KnownValues,
  options: { runs: number; seed?: number },
): Promise<FuzzReport> {
  const report: FuzzReport = { cases: 0, failures: [], statuses: {} };
  for (const route of routes) {
    const { spec } = route;
    await fc.assert(
      fc.asyncProperty(caseArbitrary(spec, known), async (fuzz) => {
        const headers: Record<string, string> = { 'content-type': fuzz.contentType };
        if (fuzz.idempotencyKey !== undefined) headers['idempotency-key'] = fuzz.idempotencyKey;
        const rawBody =
          fuzz.body.kind === 'json'
            ? JSON.stringify(fuzz.body.value)
            : fuzz.body.kind === 'raw'
              ? fuzz.body.text
              : undefined;
        const key = fuzz.caller === 'anonymous' ? undefined : keys[fuzz.caller];
        const response = await send(spec.method, pathOf(spec, fuzz), { key, rawBody, headers });
        report.cases++;
        report.statuses[response.status] = (report.statuses[response.status] ?? 0) + 1;
        const problem = verdictOf(spec, response);
        if (problem)
          report.failures.push(
            `${route.routeKey}: ${problem}\n  case: ${JSON.stringify(fuzz).slice(0, 500)}`,
          );
        return true; // collect every failure rather than stop at the first
      }),
      { numRuns: options.runs, seed: options.seed, endOnFailure: true },
    );
  }
  return report;
}
