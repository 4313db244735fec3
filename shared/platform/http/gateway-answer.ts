import type middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { HttpEvent, HttpResponse } from './http-function.js';

/**
 * An answer in API Gateway's own form: JSON with a `message` (not problem+json) and no
 * Retry-After. The local gateway gives these itself; a function gives the throttled one.
 */
export const gatewayAnswer = (
  status: 400 | 413 | 429 | 500,
  message: string,
): APIGatewayProxyStructuredResultV2 => ({
  statusCode: status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message }),
});

/**
 * A key past its limit: the authorizer flags it (it can only allow, or deny with 401/403) and
 * the function answers what API Gateway answers a throttled request, before any route runs.
 */
export const throttledAnswer = (): middy.MiddlewareObj<HttpEvent, HttpResponse, Error, Context> => ({
  before: (request) =>
    request.event.requestContext.authorizer?.lambda?.throttled === 'true'
      ? gatewayAnswer(429, 'Too Many Requests')
      : undefined,
});
