import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import { withCorrelation } from '../correlation.js';
import {
  ForbiddenError,
  MalformedRequestError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
} from '../errors.js';
import { firstAnswerWins, type Idempotency, type IdempotencyRequest, requestHashOf } from '../idempotency.js';
import { logger } from '../logger.js';
import { type Table, table } from '../table.js';
import { throttledAnswer } from './gateway-answer.js';
import { problemErrors, requestIdOf } from './middleware.js';
import { parseInput } from './parse-input.js';
import { type Principal, principalSchema } from './principal.js';
import { locationHeader, type RouteSpec, routeKey } from './route.js';

export type HttpEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown> | undefined>;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

/** The parsed type of an optional schema of the contract. */
type Out<T> = Exclude<T, undefined> extends z.ZodType ? z.output<Exclude<T, undefined>> : undefined;

export interface HttpRequest<S extends RouteSpec> {
  params: Out<S['params']>;
  query: Out<S['query']>;
  body: Out<S['body']>;
  /** Always present: routes that are not public reject anonymous callers before the handler runs. */
  principal: Principal;
  requestId: string;
  /** Present on routes that take an Idempotency-Key and were sent one. */
  idempotency: IdempotencyRequest | undefined;
}

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteBinding {
  spec: RouteSpec;
  handle(request: HttpRequest<RouteSpec>): Promise<HttpResult>;
}

/** Pairs a route's contract with its implementation, keeping the request typed by the contract. */
export function bind<S extends RouteSpec>(
  spec: S,
  handle: (request: HttpRequest<S>) => Promise<HttpResult>,
): RouteBinding {
  return { spec, handle: handle as RouteBinding['handle'] };
}

const ANONYMOUS: Principal = { userId: 'anonymous', role: 'user', keyId: 'none' };

function authorise(spec: RouteSpec, event: HttpEvent): Principal {
  const context = event.requestContext.authorizer?.lambda;
  if (spec.access !== 'public' && context?.unavailable === 'true') {
    throw new UnavailableError('The API key could not be checked; retry shortly');
  }
  const resolved = principalSchema.safeParse(context);
  if (spec.access === 'public') return resolved.success ? resolved.data : ANONYMOUS;
  if (!resolved.success) throw new UnauthorizedError();
  if (spec.access === 'admin' && resolved.data.role !== 'admin') throw new ForbiddenError();
  return resolved.data;
}

function idempotencyKeyOf(spec: RouteSpec, event: HttpEvent): string | undefined {
  // A route that takes no key ignores the header, whatever it holds.
  if (!spec.idempotencyKey) return undefined;
  const key = event.headers?.['idempotency-key'];
  if (key === undefined || key === '') {
    if (spec.idempotencyKey === 'required') {
      throw new MalformedRequestError(
        'idempotency_key_required',
        'This request moves money: send an Idempotency-Key header',
      );
    }
    return undefined;
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new MalformedRequestError(
      'idempotency_key_invalid',
      'Idempotency-Key must be 1-255 visible ASCII characters',
    );
  }
  return key;
}

/** The idempotency of a request with how its answer is rendered, for the domain to store with the effect. */
export function idempotent<T>(
  request: { idempotency: IdempotencyRequest | undefined },
  render: (result: T) => HttpResult,
): Idempotency<T> | undefined {
  if (!request.idempotency) return undefined;
  return {
    ...request.idempotency,
    render: (result) => {
      const { status, body } = render(result);
      return { status, body: JSON.stringify(body) };
    },
  };
}

export function toHttpResponse(result: HttpResult, requestId: string): HttpResponse {
  const headers = { 'x-request-id': requestId, ...result.headers };
  if (result.body === undefined) return { statusCode: result.status, headers };
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(result.body),
  };
}

/**
 * One Lambda serves the routes of one capability. API Gateway (and the local runtime) tell it
 * which route matched in `routeKey`, so dispatch is a map lookup, not a path parser.
 */
export function httpFunction(
  bindings: RouteBinding[],
  /** Where a refused keyed request looks for its key's first answer. */
  replays: { table: () => Table; clock: Clock } = { table, clock: systemClock },
) {
  const byKey = new Map(bindings.map((binding) => [routeKey(binding.spec), binding]));

  const dispatch = async (event: HttpEvent): Promise<HttpResponse> => {
    const binding = byKey.get(event.routeKey);
    if (!binding) throw new NotFoundError(`route ${event.requestContext.http.method} ${event.rawPath}`);
    const { spec } = binding;
    const principal = authorise(spec, event);
    const idempotencyKey = idempotencyKeyOf(spec, event);
    const { rawBody, ...input } = parseInput(spec, event);
    const requestId = requestIdOf(event);
    const idempotency = idempotencyKey
      ? {
          scope: principal.userId,
          key: idempotencyKey,
          requestHash: requestHashOf(routeKey(spec), input.params, rawBody),
        }
      : undefined;
    const request = { ...input, principal, requestId, idempotency } as HttpRequest<RouteSpec>;
    const result = await firstAnswerWins(replays.table, replays.clock, idempotency, () =>
      binding.handle(request),
    );
    const headers = { ...locationHeader(spec, result.status, result.body), ...result.headers };
    return toHttpResponse({ ...result, headers }, requestId);
  };

  /** A replayed answer carries the same `Location` as the first. */
  const replayHeaders = (event: HttpEvent, status: number, body: string): Record<string, string> => {
    const spec = byKey.get(event.routeKey)?.spec;
    return spec ? locationHeader(spec, status, JSON.parse(body)) : {};
  };

  return (
    middy<HttpEvent, HttpResponse, Error, Context>()
      // Never log the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says: it carries the API key.
      .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
      .use(throttledAnswer())
      .use(problemErrors(replayHeaders))
      // Whatever this request sends to a queue carries its id (correlation.ts).
      .handler((event) => withCorrelation({ requestId: requestIdOf(event) }, () => dispatch(event)))
  );
}
