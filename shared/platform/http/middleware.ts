import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError } from '../errors.js';
import { IdempotentReplay } from '../idempotency.js';
import { logger } from '../logger.js';
import { isTransient, unavailableFor } from '../transient.js';
import type { HttpEvent, HttpResponse } from './http-function.js';
import { internalProblem, PROBLEM_CONTENT_TYPE, type Problem, problemOf } from './problem.js';

export const requestIdOf = (event: HttpEvent): string => event.requestContext.requestId;

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'x-request-id': problem.requestId, ...headers },
    body: JSON.stringify(problem),
  };
}

/**
 * Logs the request id with every line and turns errors into problem+json: a domain error keeps
 * its status and code; anything else is logged in full and answered as a bare 500.
 */
export function problemErrors(
  replayHeaders: (event: HttpEvent, status: number, body: string) => Record<string, string> = () => ({}),
): middy.MiddlewareObj<HttpEvent, HttpResponse, Error, Context> {
  return {
    before: (request) => {
      logger.appendKeys({ requestId: requestIdOf(request.event), routeKey: request.event.routeKey });
    },
    onError: (request) => {
      const { error } = request;
      const requestId = requestIdOf(request.event);
      if (error instanceof IdempotentReplay) {
        // The first answer to this key, byte for byte.
        request.response = {
          statusCode: error.response.status,
          headers: {
            'content-type': 'application/json',
            'x-request-id': requestId,
            'idempotent-replayed': 'true',
            ...replayHeaders(request.event, error.response.status, error.response.body),
          },
          body: error.response.body,
        };
        return;
      }
      if (error instanceof AppError) {
        if (error.status >= 500) logger.warn('request refused', { code: error.code, status: error.status });
        request.response = problemResponse(problemOf(error, requestId), error.headers);
        return;
      }
      if (isTransient(error)) {
        // The write may or may not have happened: a retry with the same Idempotency-Key tells.
        logger.warn('dependency failed', error as Error);
        const unavailable = unavailableFor(error);
        request.response = problemResponse(problemOf(unavailable, requestId), unavailable.headers);
        return;
      }
      logger.error('unexpected error', error as Error);
      request.response = problemResponse(internalProblem(requestId));
    },
  };
}
