import { describe, expect, it } from 'vitest';
import { httpRoutes } from '#infra/manifest.js';
import { openApiDocument } from '#platform/http/openapi.js';
import { type Answer, responseValidator } from '../../support/openapi-responses.js';

/** The checker the e2e client runs on every answer, fed answers the document does and does not list. */
const check = responseValidator(JSON.parse(JSON.stringify(openApiDocument(httpRoutes().map((r) => r.spec)))));

const problem = (status: number, code: string) =>
  JSON.stringify({ type: 't', title: 't', status, detail: 'd', code, errors: [], requestId: 'r' });
const hold = JSON.stringify({
  id: 'hold_1',
  ownerId: 'usr_1',
  payeeId: 'revenue',
  amount: '1',
  status: 'active',
  expiresAt: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
});
const answer = (
  method: string,
  path: string,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): Answer => ({
  method,
  path,
  status,
  text,
  headers: new Headers({
    'x-request-id': 'r',
    'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
    ...headers,
  }),
});

describe('OpenAPI response check', () => {
  it('passes documented answers, matching literal segments before path variables', () => {
    expect(check(answer('POST', '/v1/transfers', 402, problem(402, 'insufficient_funds')))).toEqual({
      operation: 'POST /v1/transfers',
      problems: [],
    });
    const created = answer('POST', '/v1/holds', 201, hold, { location: '/v1/holds/hold_1' });
    expect(check(created).problems).toEqual([]);
    expect(check(answer('GET', '/v1/accounts/me?x=1', 404, problem(404, 'not_found'))).operation).toBe(
      'GET /v1/accounts/me',
    );
  });

  it('names what an undocumented answer gets wrong', () => {
    expect(check(answer('GET', '/v1/accounts/me', 402, problem(402, 'insufficient_funds'))).problems).toEqual(
      ['status 402 is not documented'],
    );
    expect(check(answer('POST', '/v1/transfers', 402, problem(402, 'budget_exceeded'))).problems).toEqual([
      expect.stringContaining('body/code must be equal to one of the allowed values'),
    ]);
    expect(check(answer('POST', '/v1/holds', 201, hold)).problems).toEqual([
      'header location is required on 201',
    ]);
    const extra = answer('POST', '/v1/holds', 201, hold, {
      location: '/v1/holds/hold_1',
      'x-powered-by': 'x',
    });
    expect(check(extra).problems).toEqual(['header x-powered-by is not documented on 201']);
    const wrongType = answer('POST', '/v1/transfers', 402, problem(402, 'insufficient_funds'), {
      'content-type': 'text/plain',
    });
    expect(check(wrongType).problems).toEqual(['content-type text/plain is not documented for 402']);
    expect(check(answer('GET', '/v1/nowhere', 200, '{}')).problems).toEqual([
      '200 for a path no operation has',
    ]);
  });
});
