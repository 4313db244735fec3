import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes } from '../../infra/manifest.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

/**
 * Every route of the manifest × every kind of caller, with the status each must get. The table
 * is keyed by the manifest's route keys and the test fails for a route without a row, so a new
 * route cannot be forgotten. "owner" owns the resource (or is the caller, for `me` routes);
 * "member" belongs to the owner's budget; "other" is any other user.
 */
type Caller = 'none' | 'revoked' | 'other' | 'member' | 'owner' | 'admin';
const CALLERS: Caller[] = ['none', 'revoked', 'other', 'member', 'owner', 'admin'];

interface World {
  keys: Record<Exclude<Caller, 'none'>, string>;
  ids: Record<'owner' | 'other' | 'member', string>;
  t: TestRuntime;
}

interface Row {
  /** Builds the request afresh for each caller (a capture consumes its hold). */
  request(w: World): Promise<{ path: string; body?: unknown }>;
  /** Expected status per caller; `none` and `revoked` default to 401 on routes that need a key. */
  expect: Partial<Record<Caller, number>>;
}

let n = 0;
const fresh = () => `${Date.now()}-${++n}`;

async function hold(w: World) {
  const response = await w.t.api('POST', '/v1/holds', {
    key: w.keys.owner,
    body: { amount: '1', expiresInSeconds: 600 },
    headers: { 'idempotency-key': fresh() },
  });
  return response.body.id as string;
}

async function budget(w: World) {
  const response = await w.t.api('POST', '/v1/budgets', {
    key: w.keys.owner,
    body: { name: 'matrix', total: '100', members: [{ userId: w.ids.member }] },
  });
  return response.body.id as string;
}

async function expansion(w: World) {
  const budgetId = await budget(w);
  const response = await w.t.api('POST', `/v1/budgets/${budgetId}/expansions`, {
    key: w.keys.member,
    body: { amount: '1', reason: 'matrix' },
  });
  return { budgetId, expansionId: response.body.id as string };
}

const same = (status: number) => ({ other: status, member: status, owner: status, admin: status });
const adminOnly = (status: number) => ({ other: 403, member: 403, owner: 403, admin: status });

const ROWS: Record<string, Row> = {
  'GET /v1/openapi.json': {
    request: async () => ({ path: '/v1/openapi.json' }),
    expect: { none: 200, revoked: 200, ...same(200) },
  },
  'GET /v1/health': {
    request: async () => ({ path: '/v1/health' }),
    expect: { none: 200, revoked: 200, ...same(200) },
  },
  'POST /v1/users': {
    request: async () => ({ path: '/v1/users', body: { name: 'new' } }),
    expect: adminOnly(201),
  },
  'GET /v1/me': { request: async () => ({ path: '/v1/me' }), expect: same(200) },
  'GET /v1/me/keys': { request: async () => ({ path: '/v1/me/keys' }), expect: same(200) },
  'POST /v1/me/keys': { request: async () => ({ path: '/v1/me/keys' }), expect: same(201) },
  'DELETE /v1/me/keys/{keyId}': {
    // Another user's key id is not the caller's: 404 for everyone but its owner.
    request: async (w) => {
      const created = await w.t.api('POST', '/v1/me/keys', { key: w.keys.owner });
      return { path: `/v1/me/keys/${created.body.keyId}` };
    },
    expect: { other: 404, member: 404, owner: 204, admin: 404 },
  },
  'GET /v1/accounts/me': { request: async () => ({ path: '/v1/accounts/me' }), expect: same(200) },
  'GET /v1/accounts/{userId}': {
    request: async (w) => ({ path: `/v1/accounts/${w.ids.owner}` }),
    expect: { other: 404, member: 404, owner: 200, admin: 200 },
  },
  'GET /v1/accounts/me/transfers': {
    request: async () => ({ path: '/v1/accounts/me/transfers' }),
    expect: same(200),
  },
  'POST /v1/grants': {
    request: async (w) => ({ path: '/v1/grants', body: { userId: w.ids.owner, amount: '1' } }),
    expect: adminOnly(201),
  },
  'POST /v1/transfers': {
    request: async (w) => ({ path: '/v1/transfers', body: { to: w.ids.owner, amount: '0.01' } }),
    // The owner would send to themselves: refused as a self-transfer.
    expect: { other: 201, member: 201, owner: 422, admin: 402 },
  },
  'POST /v1/holds': {
    request: async () => ({ path: '/v1/holds', body: { amount: '0.01', expiresInSeconds: 60 } }),
    expect: { other: 201, member: 201, owner: 201, admin: 402 },
  },
  'GET /v1/holds': { request: async () => ({ path: '/v1/holds' }), expect: same(200) },
  'GET /v1/holds/{holdId}': {
    request: async (w) => ({ path: `/v1/holds/${await hold(w)}` }),
    expect: { other: 404, member: 404, owner: 200, admin: 404 },
  },
  'POST /v1/holds/{holdId}/capture': {
    request: async (w) => ({ path: `/v1/holds/${await hold(w)}/capture`, body: {} }),
    expect: { other: 404, member: 404, owner: 200, admin: 404 },
  },
  'POST /v1/holds/{holdId}/release': {
    request: async (w) => ({ path: `/v1/holds/${await hold(w)}/release` }),
    expect: { other: 404, member: 404, owner: 200, admin: 404 },
  },
  'GET /v1/ledger/audit': { request: async () => ({ path: '/v1/ledger/audit' }), expect: adminOnly(200) },
  'POST /v1/budgets': {
    request: async () => ({ path: '/v1/budgets', body: { name: 'b', total: '1' } }),
    expect: same(201),
  },
  'GET /v1/budgets': { request: async () => ({ path: '/v1/budgets' }), expect: same(200) },
  'GET /v1/budgets/{budgetId}': {
    request: async (w) => ({ path: `/v1/budgets/${await budget(w)}` }),
    expect: { other: 404, member: 200, owner: 200, admin: 200 },
  },
  'PATCH /v1/budgets/{budgetId}': {
    request: async (w) => ({ path: `/v1/budgets/${await budget(w)}`, body: { name: 'renamed' } }),
    expect: { other: 404, member: 403, owner: 200, admin: 403 },
  },
  'DELETE /v1/budgets/{budgetId}': {
    request: async (w) => ({ path: `/v1/budgets/${await budget(w)}` }),
    expect: { other: 404, member: 403, owner: 200, admin: 403 },
  },
  'POST /v1/budgets/{budgetId}/charges': {
    request: async (w) => ({
      path: `/v1/budgets/${await budget(w)}/charges`,
      body: { amount: '0.01', category: 'x' },
    }),
    // Admins read every budget but charge only those they belong to.
    expect: { other: 404, member: 201, owner: 201, admin: 404 },
  },
  'GET /v1/budgets/{budgetId}/charges': {
    request: async (w) => ({ path: `/v1/budgets/${await budget(w)}/charges` }),
    expect: { other: 404, member: 200, owner: 200, admin: 200 },
  },
  'PUT /v1/budgets/{budgetId}/members/{userId}': {
    request: async (w) => ({
      path: `/v1/budgets/${await budget(w)}/members/${w.ids.other}`,
      body: { cap: '5' },
    }),
    expect: { other: 404, member: 403, owner: 200, admin: 403 },
  },
  'DELETE /v1/budgets/{budgetId}/members/{userId}': {
    request: async (w) => ({ path: `/v1/budgets/${await budget(w)}/members/${w.ids.member}` }),
    expect: { other: 404, member: 403, owner: 200, admin: 403 },
  },
  'GET /v1/budgets/{budgetId}/alerts': {
    request: async (w) => ({ path: `/v1/budgets/${await budget(w)}/alerts` }),
    expect: { other: 404, member: 200, owner: 200, admin: 200 },
  },
  'POST /v1/budgets/{budgetId}/expansions': {
    request: async (w) => ({
      path: `/v1/budgets/${await budget(w)}/expansions`,
      body: { amount: '1', reason: 'r' },
    }),
    expect: { other: 404, member: 201, owner: 201, admin: 403 },
  },
  'GET /v1/budgets/{budgetId}/expansions': {
    request: async (w) => ({ path: `/v1/budgets/${await budget(w)}/expansions` }),
    expect: { other: 404, member: 200, owner: 200, admin: 200 },
  },
  'POST /v1/budgets/{budgetId}/expansions/{expansionId}/approve': {
    request: async (w) => {
      const { budgetId, expansionId } = await expansion(w);
      return { path: `/v1/budgets/${budgetId}/expansions/${expansionId}/approve` };
    },
    expect: { other: 404, member: 403, owner: 200, admin: 200 },
  },
  'POST /v1/budgets/{budgetId}/expansions/{expansionId}/deny': {
    request: async (w) => {
      const { budgetId, expansionId } = await expansion(w);
      return { path: `/v1/budgets/${budgetId}/expansions/${expansionId}/deny` };
    },
    expect: { other: 404, member: 403, owner: 200, admin: 200 },
  },
  'POST /v1/estimates': {
    request: async (w) => ({ path: '/v1/estimates', body: { budgetId: await budget(w), workflow: true } }),
    expect: { other: 404, member: 200, owner: 200, admin: 200 },
  },
  'GET /v1/prices': { request: async () => ({ path: '/v1/prices' }), expect: same(200) },
  'PUT /v1/prices/{component}': {
    request: async () => ({ path: '/v1/prices/AuditTrail', body: { price: '3.40' } }),
    expect: adminOnly(200),
  },
  'GET /v1/health/report': { request: async () => ({ path: '/v1/health/report' }), expect: adminOnly(200) },
  'GET /v1/health/history': { request: async () => ({ path: '/v1/health/history' }), expect: adminOnly(200) },
  'POST /v1/health/sweeps': { request: async () => ({ path: '/v1/health/sweeps' }), expect: adminOnly(201) },
};

let t: TestRuntime;
let w: World;

beforeAll(async () => {
  t = await startTestRuntime(import.meta.filename);
  const [owner, other, member, revoked] = [
    await t.newUser(),
    await t.newUser(),
    await t.newUser(),
    await t.newUser(),
  ];
  await Promise.all([owner, other, member].map((u) => t.grant(u.id, '1000')));
  const spare = await t.api('POST', '/v1/me/keys', { key: revoked.key });
  await t.api('DELETE', `/v1/me/keys/${spare.body.keyId}`, { key: revoked.key });
  w = {
    t,
    keys: {
      owner: owner.key,
      other: other.key,
      member: member.key,
      admin: t.adminKey,
      revoked: spare.body.apiKey,
    },
    ids: { owner: owner.id, other: other.id, member: member.id },
  };
});

afterAll(async () => {
  await t.stop();
});

const routes = httpRoutes();

describe('Authorisation matrix', () => {
  it('has a row for every route of the manifest, and no row for a route it does not have', () => {
    expect(routes.map((r) => r.routeKey).filter((key) => !(key in ROWS))).toEqual([]);
    expect(Object.keys(ROWS).filter((key) => !routes.some((r) => r.routeKey === key))).toEqual([]);
  });

  const cases = routes.flatMap((route) => CALLERS.map((caller) => ({ route, caller })));
  it.each(cases.map((c) => [c.route.routeKey, c.caller, c] as const))(
    '%s as %s',
    async (_key, caller, { route }) => {
      const row = ROWS[route.routeKey];
      if (!row) return; // reported by the completeness test above
      const needsKey = route.spec.access !== 'public';
      const expected =
        row.expect[caller] ?? (needsKey && (caller === 'none' || caller === 'revoked') ? 401 : undefined);
      if (expected === undefined) throw new Error(`no expectation for ${route.routeKey} as ${caller}`);
      const { path, body } = await row.request(w);
      const key = caller === 'none' ? undefined : w.keys[caller];
      const headers = route.spec.idempotencyKey ? { 'idempotency-key': fresh() } : undefined;
      const response = await t.api(route.spec.method, path, { key, body, headers });
      expect(response.status, JSON.stringify(response.body)).toBe(expected);
    },
  );
});
