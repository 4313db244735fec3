import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpEvent } from '#platform/http/http-function.js';
import type { Principal } from '#platform/http/principal.js';

/** An API Gateway HTTP API (2.0) event, as API Gateway would send it after the authorizer. */
export function httpEvent(
  routeKey: string,
  options: {
    body?: string;
    headers?: Record<string, string>;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    principal?: Principal;
  } = {},
): HttpEvent {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    queryStringParameters: options.query,
    pathParameters: options.pathParameters,
    body: options.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-test-1',
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  };
  return {
    ...event,
    requestContext: { ...event.requestContext, authorizer: { lambda: options.principal } },
  } as HttpEvent;
}
