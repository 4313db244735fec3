import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Clock } from '#platform/clock.js';
import { gatewayAnswer } from '#platform/http/gateway-answer.js';
import { own, record } from '#platform/records.js';
import type { HttpRoute } from '../manifest.js';
import type { ConsoleAssets } from './console-assets.js';
import { rateLimiter, type Throttling } from './rate-limiter.js';

/**
 * API Gateway HTTP API (payload 2.0), locally: match the route, run the authorizer for routes
 * that are not public (no verdict cache here, so a revoked key fails at once), invoke the
 * route's function and write its result back.
 */
export interface GatewayOptions {
  routes: HttpRoute[];
  invoke(functionId: string, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  authorize(event: APIGatewayProxyEventV2): Promise<Record<string, unknown> | undefined>;
  catchAllFunctionId: string;
  /** The stage's throttling of the whole API; `off` for load tests. (Per-key limits are the authorizer's.) */
  throttling: Throttling | 'off';
  /** The throttling's time source (a test holds it still to count a burst exactly). */
  clock?: Clock;
  onError(error: unknown): void;
  /** The web console's files, served outside `/v1` (CloudFront's job on AWS). */
  assets?: ConsoleAssets;
}

/** API Gateway's own payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

interface CompiledRoute {
  route: HttpRoute;
  method: string;
  pattern: RegExp;
  params: string[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');

function compile(route: HttpRoute): CompiledRoute {
  const params: string[] = [];
  const segments = route.spec.path.split('/').map((segment) => {
    const param = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (!param) return escapeRegExp(segment);
    params.push(param);
    return '([^/]+)';
  });
  return { route, method: route.spec.method, pattern: new RegExp(`^${segments.join('/')}$`), params };
}

/** API Gateway picks the most specific route: literal segments beat path variables. */
export function routeMatcher(routes: HttpRoute[]) {
  const compiled = routes.map(compile).sort((a, b) => a.params.length - b.params.length);
  return (method: string, path: string) => {
    for (const candidate of compiled) {
      if (candidate.method !== method) continue;
      const match = candidate.pattern.exec(path);
      if (!match) continue;
      const pathParameters = Object.fromEntries(
        candidate.params.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]),
      );
      return { route: candidate.route, pathParameters };
    }
    return undefined;
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  routeKey: string,
  pathParameters?: Record<string, string>,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name !== 'cookie')
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // Parameter names are the client's: `?constructor=1` is a parameter, not Object's constructor.
  const query = record<string>();
  for (const [name, value] of url.searchParams) {
    const before = own(query, name);
    query[name] = before === undefined ? value : `${before},${value}`;
  }
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: request.headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: url.search ? query : undefined,
    pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length > 0 ? body.toString('utf8') : undefined,
    isBase64Encoded: false,
  };
}

function write(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body =
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(result.statusCode ?? 200, {
    ...result.headers,
    'content-length': String(body?.length ?? 0),
  });
  response.end(body);
}

export function createGateway(options: GatewayOptions): Server {
  const match = routeMatcher(options.routes);
  const clock = options.clock;
  const take =
    options.throttling === 'off'
      ? undefined
      : rateLimiter(options.throttling, clock ? () => clock.now().getTime() : undefined);
  return createServer(async (request, response) => {
    try {
      const method = request.method ?? 'GET';
      if (options.assets?.(method, new URL(request.url ?? '/', 'http://localhost').pathname, response))
        return;
      const verdict = take?.('stage');
      if (verdict && !verdict.allowed) {
        // The stage's throttling answer on AWS (see docs/decisions.md).
        write(response, gatewayAnswer(429, 'Too Many Requests'));
        request.resume();
        return;
      }
      const url = new URL(request.url ?? '/', 'http://localhost');
      const body = await readBody(request);
      if (!body) {
        write(response, gatewayAnswer(413, 'Request Entity Too Large'));
        return;
      }
      let found: ReturnType<typeof match>;
      try {
        found = match(request.method ?? 'GET', url.pathname);
      } catch (error) {
        if (!(error instanceof URIError)) throw error;
        // A path variable with a broken %-escape: API Gateway refuses such a request itself.
        write(response, gatewayAnswer(400, 'Bad Request'));
        return;
      }
      const routeKey = found ? found.route.routeKey : '$default';
      const event = toEvent(request, url, body, routeKey, found?.pathParameters);
      if (found && found.route.spec.access !== 'public') {
        const context = await options.authorize(event);
        event.requestContext = {
          ...event.requestContext,
          authorizer: { lambda: context },
        } as typeof event.requestContext;
      }
      write(
        response,
        await options.invoke(found ? found.route.functionId : options.catchAllFunctionId, event),
      );
    } catch (error) {
      // What API Gateway answers when the integration fails.
      options.onError(error);
      write(response, gatewayAnswer(500, 'Internal Server Error'));
    }
  });
}
