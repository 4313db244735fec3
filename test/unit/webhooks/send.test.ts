import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESPONSE_BODY_LIMIT_BYTES, sendWebhook } from '#shared/webhooks/send.js';

const seen: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    seen.push({ path: request.url ?? '', headers: request.headers, body });
    if (request.url === '/redirect') response.writeHead(302, { location: '/elsewhere' }).end();
    else if (request.url === '/large')
      response.writeHead(200).end('x'.repeat(RESPONSE_BODY_LIMIT_BYTES * 256));
    else response.writeHead(204).end();
  });
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A host name no resolver knows: reaching the server proves the pinned address was used. */
const pinned = (path: string) => ({
  url: new URL(`http://hooks.rebinding.invalid:${port}${path}`),
  address: '127.0.0.1',
  family: 4 as const,
});

describe('Sending a webhook', () => {
  it('connects to the checked address, keeps the host name in Host, and sends the body with its headers', async () => {
    const outcome = await sendWebhook(pinned('/hooks'), { 'webhook-id': 'evt_1' }, '{"a":1}');
    expect(outcome).toMatchObject({ ok: true, responseCode: 204, error: null });
    expect(seen.at(-1)).toMatchObject({
      path: '/hooks',
      body: '{"a":1}',
      headers: expect.objectContaining({ host: `hooks.rebinding.invalid:${port}`, 'webhook-id': 'evt_1' }),
    });
  });

  it('never follows a redirect: a 3xx is a failed attempt', async () => {
    const before = seen.length;
    const outcome = await sendWebhook(pinned('/redirect'), {}, '{}');
    expect(outcome).toMatchObject({ ok: false, responseCode: 302 });
    expect(seen.slice(before).map((request) => request.path)).toEqual(['/redirect']);
  });

  it('stops reading a large answer and still records its status', async () => {
    const outcome = await sendWebhook(pinned('/large'), {}, '{}');
    expect(outcome).toMatchObject({ responseCode: 200 });
  });

  it('records an unreachable receiver as a failure without a status', async () => {
    const outcome = await sendWebhook({ ...pinned('/'), url: new URL('http://hooks.invalid:9/') }, {}, '{}');
    expect(outcome).toMatchObject({ ok: false, responseCode: null });
    expect(outcome.error).toBeTruthy();
  });
});
