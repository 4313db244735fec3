import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createH2cServer, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP server on 127.0.0.1 that answers from a script, in order, and records every
 * request it received: the base of the fake model servers (real wire formats, no SDK mocks).
 */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is (e.g. malformed JSON). */
  body?: unknown;
  /** Never answer (until the server closes): a timeout or an abort. */
  hang?: boolean;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  body: unknown;
}

export interface ScriptedServer {
  url: string;
  received: ReceivedRequest[];
  /** Appends answers to the script. */
  answer(...answers: ScriptedAnswer[]): void;
  /** Answers still unused. */
  pending(): number;
  close(): Promise<void>;
}

const json = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

interface Request extends AsyncIterable<unknown> {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
}

interface Response {
  writeHead(status: number, headers: Record<string, string>): { end(body: string): void };
  destroy(): void;
  on(event: 'close', listener: () => void): void;
}

export async function startScriptedServer(
  route: (method: string, path: string) => boolean,
  protocol: 'http1' | 'h2c' = 'http1',
): Promise<ScriptedServer> {
  const script: ScriptedAnswer[] = [];
  const received: ReceivedRequest[] = [];
  const hanging = new Set<Response>();
  const sessions = new Set<Http2Session>();
  const handle = async (request: Request, response: Response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    if (!route(method, path)) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no such route"}');
      return;
    }
    received.push({ method, path, headers: request.headers, raw, body: json(raw) });
    const next = script.shift();
    if (!next) {
      response
        .writeHead(500, { 'content-type': 'application/json' })
        .end('{"message":"fake: no scripted answer"}');
      return;
    }
    if (next.hang) {
      hanging.add(response);
      response.on('close', () => hanging.delete(response));
      return;
    }
    const body = typeof next.body === 'string' ? next.body : JSON.stringify(next.body ?? {});
    response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers }).end(body);
  };
  const server =
    protocol === 'h2c'
      ? createH2cServer((request, response) => void handle(request, response))
      : createServer((request, response) => void handle(request, response));
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (...answers) => script.push(...answers),
    pending: () => script.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        for (const session of sessions) session.destroy();
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
