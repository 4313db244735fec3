import { describe, expect, it } from 'vitest';
import { createPrsmClient, PrsmProblem, takesIdempotencyKey, unwrap } from '#client/index.js';

/** A fetch that answers from a script and records what it was sent; no server needed. */
function scriptedFetch(answers: Response[]) {
  const sent: Request[] = [];
  const fetch = async (input: Request) => {
    sent.push(input);
    const answer = answers.shift();
    if (!answer) throw new Error('no answer left in the script');
    return answer;
  };
  return { sent, fetch: fetch as unknown as typeof globalThis.fetch };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });

const transfer = { to: 'u_1', amount: '1.50' };

function client(answers: Response[], retries = 4) {
  const script = scriptedFetch(answers);
  const delays: number[] = [];
  const prsm = createPrsmClient({
    baseUrl: 'http://api.test/',
    apiKey: 'prsm_test',
    fetch: script.fetch,
    retry: { retries, sleep: async (ms) => void delays.push(ms) },
  });
  return { prsm, sent: script.sent, delays };
}

describe('client: Idempotency-Keys', () => {
  it('knows the money routes from the served document', () => {
    expect(takesIdempotencyKey('POST', '/v1/transfers')).toBe(true);
    expect(takesIdempotencyKey('POST', '/v1/budgets/b_1/charges')).toBe(true);
    expect(takesIdempotencyKey('GET', '/v1/transfers')).toBe(false);
    expect(takesIdempotencyKey('POST', '/v1/users')).toBe(false);
    expect(takesIdempotencyKey('POST', '/v1/budgets/b_1/members')).toBe(false);
  });

  it('makes one for a money request, keeps one given, and adds none elsewhere', async () => {
    const { prsm, sent } = client([json(201, {}), json(201, {}), json(200, {})]);
    await prsm.POST('/v1/transfers', { body: transfer });
    await prsm.POST('/v1/transfers', { body: transfer, params: { header: { 'idempotency-key': 'mine' } } });
    await prsm.GET('/v1/me');
    expect(sent[0]?.headers.get('idempotency-key')).toMatch(/^prsm-[0-9a-f-]{36}$/);
    expect(sent[1]?.headers.get('idempotency-key')).toBe('mine');
    expect(sent[2]?.headers.get('idempotency-key')).toBeNull();
    expect(sent[2]?.headers.get('authorization')).toBe('Bearer prsm_test');
    expect(sent[2]?.url).toBe('http://api.test/v1/me');
  });
});

describe('client: retries', () => {
  it('resends a 429 and a 503 after their Retry-After with the same key and body', async () => {
    const { prsm, sent, delays } = client([
      json(429, { message: 'Too Many Requests' }, { 'retry-after': '2' }),
      json(503, { code: 'unavailable' }, { 'retry-after': '1' }),
      json(201, { id: 't_1' }),
    ]);
    const { data, response } = await prsm.POST('/v1/transfers', { body: transfer });
    expect(response.status).toBe(201);
    expect(data).toEqual({ id: 't_1' });
    expect(delays).toEqual([2000, 1000]);
    const keys = sent.map((request) => request.headers.get('idempotency-key'));
    expect(new Set(keys).size).toBe(1);
    expect(await Promise.all(sent.map((request) => request.text()))).toEqual(
      Array(3).fill(JSON.stringify(transfer)),
    );
  });

  it('backs off exponentially when the gateway gives no Retry-After, and stops after the bound', async () => {
    const throttled = () => json(429, { message: 'Too Many Requests' });
    const { prsm, sent, delays } = client([throttled(), throttled(), throttled()], 2);
    const refusal = await unwrap(prsm.GET('/v1/me')).catch((error: unknown) => error);
    expect(sent).toHaveLength(3);
    expect(delays).toEqual([250, 500]);
    expect(refusal).toBeInstanceOf(PrsmProblem);
    expect(refusal).toMatchObject({ status: 429, code: 'throttled', detail: 'Too Many Requests' });
  });

  it('caps a long Retry-After', async () => {
    const { prsm, delays } = client([json(503, {}, { 'retry-after': '3600' }), json(200, {})]);
    await prsm.GET('/v1/me');
    expect(delays).toEqual([30_000]);
  });

  it('does not resend a 503 of a keyless creating POST, which might have had its effect', async () => {
    const { prsm, sent } = client([json(503, { code: 'unavailable' }, { 'retry-after': '1' })]);
    const { response } = await prsm.POST('/v1/users', { body: { name: 'Ada' } });
    expect(response.status).toBe(503);
    expect(sent).toHaveLength(1);
  });
});

describe('client: problems', () => {
  it('throws the problem with its code, status and detail', async () => {
    const problem = {
      type: 'https://prsm.dev/problems/insufficient_funds',
      title: 'Payment Required',
      status: 402,
      detail: 'The balance 1.00 does not cover 1.50',
      code: 'insufficient_funds',
      errors: [],
      requestId: 'r_1',
    };
    const { prsm } = client([json(402, problem)]);
    const refusal = await unwrap(prsm.POST('/v1/transfers', { body: transfer })).catch((error) => error);
    expect(refusal).toBeInstanceOf(PrsmProblem);
    expect(refusal).toMatchObject({ status: 402, code: 'insufficient_funds', requestId: 'r_1' });
    expect(refusal.detail).toBe(problem.detail);
  });
});
