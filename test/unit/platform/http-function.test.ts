import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { lambdaContext } from '#infra/local/lambda-context.js';
import { systemClock } from '#platform/clock.js';
import { PaymentRequiredError } from '#platform/errors.js';
import { bind, httpFunction } from '#platform/http/http-function.js';
import { defineRoute } from '#platform/http/route.js';
import { amountSchema, formatFtns } from '#platform/money.js';
import type { Table } from '#platform/table.js';
import { httpEvent } from '../../support/http-event.js';

const pay = defineRoute({
  method: 'POST',
  path: '/v1/things/{id}/pay',
  operationId: 'pay',
  access: 'user',
  summary: 'test route',
  tags: ['test'],
  idempotencyKey: 'required',
  params: z.object({ id: z.string().regex(/^th_/) }),
  body: z.object({ amount: amountSchema, memo: z.string().max(10).optional() }),
  responses: { 201: { description: 'paid' } },
});
const admin = defineRoute({
  method: 'GET',
  path: '/v1/admin-only',
  operationId: 'admin',
  access: 'admin',
  summary: 't',
  tags: ['t'],
  responses: { 200: { description: 'ok' } },
});
const boom = defineRoute({
  method: 'GET',
  path: '/v1/boom',
  operationId: 'boom',
  access: 'public',
  summary: 't',
  tags: ['t'],
  responses: { 200: { description: 'ok' } },
});

/** The idempotency records of this chain: none was ever written. */
const noRecords = {
  table: () => ({ name: 'test', doc: { send: async () => ({}) } }) as unknown as Table,
  clock: systemClock,
};

const handler = httpFunction(
  [
    bind(pay, async ({ params, body, principal }) => {
      if (body.amount > 100_000_000n) throw new PaymentRequiredError('insufficient_funds', 'Not enough FTNS');
      return { status: 201, body: { id: params.id, amount: formatFtns(body.amount), by: principal.userId } };
    }),
    bind(admin, async () => ({ status: 200, body: { ok: true } })),
    bind(boom, async () => {
      throw new Error('secret internals at /var/task/index.js:1');
    }),
  ],
  noRecords,
);

const user = { userId: 'usr_1', role: 'user', keyId: 'k1' } as const;
const adminUser = { userId: 'usr_2', role: 'admin', keyId: 'k2' } as const;
const call = async (event: ReturnType<typeof httpEvent>) => {
  const response = await handler(event, lambdaContext('test', 128, 3));
  return { ...response, json: response.body ? JSON.parse(response.body) : undefined };
};
const payEvent = (body: string, headers: Record<string, string> = { 'idempotency-key': 'k-1' }) =>
  httpEvent(`POST ${pay.path}`, { body, headers, pathParameters: { id: 'th_1' }, principal: user });

describe('HTTP chain: successful requests', () => {
  it('parses and types the input and answers JSON with the request id', async () => {
    const response = await call(payEvent('{"amount":"29.99"}'));
    expect(response.statusCode).toBe(201);
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      'x-request-id': 'req-test-1',
    });
    expect(response.json).toEqual({ id: 'th_1', amount: '29.99', by: 'usr_1' });
  });
});

describe('HTTP chain: refusals are problem+json', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    const response = await call(payEvent('{"amount":'));
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(response.json).toMatchObject({ status: 400, code: 'malformed_json', requestId: 'req-test-1' });
  });

  it('answers a schema violation with 422 and every field path', async () => {
    const event = httpEvent(`POST ${pay.path}`, {
      body: '{"amount":12.5,"memo":"far too long a memo"}',
      headers: { 'idempotency-key': 'k' },
      pathParameters: { id: 'nope' },
      principal: user,
    });
    const response = await call(event);
    expect(response.statusCode).toBe(422);
    expect(response.json.code).toBe('validation_failed');
    expect(response.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.amount',
      'body.memo',
      'params.id',
    ]);
  });

  it('requires an Idempotency-Key where the contract says so', async () => {
    const response = await call(payEvent('{"amount":"1"}', {}));
    expect(response.statusCode).toBe(400);
    expect(response.json.code).toBe('idempotency_key_required');
  });

  it('checks an Idempotency-Key only where the route takes one', async () => {
    const invalid = { 'idempotency-key': 'not\tvisible ascii' };
    const keyed = await call(payEvent('{"amount":"1"}', invalid));
    expect(keyed.statusCode).toBe(400);
    expect(keyed.json.code).toBe('idempotency_key_invalid');
    const unkeyed = await call(httpEvent(`GET ${admin.path}`, { headers: invalid, principal: adminUser }));
    expect(unkeyed.statusCode).toBe(200);
  });

  it('maps a domain error to its status and code', async () => {
    const response = await call(payEvent('{"amount":"101"}'));
    expect(response.statusCode).toBe(402);
    expect(response.json).toMatchObject({ code: 'insufficient_funds', detail: 'Not enough FTNS' });
  });

  it('answers 401 without a principal and 403 for a user on an admin route', async () => {
    expect((await call(httpEvent(`POST ${pay.path}`, { body: '{}' }))).statusCode).toBe(401);
    const forbidden = await call(httpEvent(`GET ${admin.path}`, { principal: user }));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json.code).toBe('forbidden');
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const response = await call(httpEvent('$default'));
    expect(response.statusCode).toBe(404);
    expect(response.json.code).toBe('not_found');
  });

  it('answers an unexpected error with a bare 500 that leaks nothing', async () => {
    const response = await call(httpEvent(`GET ${boom.path}`));
    expect(response.statusCode).toBe(500);
    expect(response.json).toMatchObject({ code: 'internal', requestId: 'req-test-1' });
    expect(response.body).not.toMatch(/secret|var\/task|at /);
  });

  it('refuses bodies over the limit with 413', async () => {
    const response = await call(payEvent(JSON.stringify({ amount: '1', memo: 'x'.repeat(70_000) })));
    expect(response.statusCode).toBe(413);
  });
});
