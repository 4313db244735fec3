import { beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes } from '#infra/manifest.js';
import { type TestRuntime, useRuntime } from '../support/runtime.js';
import { listingBody } from './marketplace-support.js';

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
  /** A budget of each user's own, for orders and workflows. */
  budgets: Record<'owner' | 'other' | 'member', string>;
  t: TestRuntime;
}

interface Row {
  /** Builds the request afresh for each caller (a capture consumes its hold). */
  request(w: World, caller: Caller): Promise<{ path: string; body?: unknown }>;
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

async function listing(w: World) {
  const response = await w.t.api('POST', '/v1/listings', {
    key: w.keys.owner,
    body: listingBody({ price: '1.00' }),
  });
  return response.body.id as string;
}

const BUYERS = ['owner', 'other', 'member'] as const;
const isBuyer = (caller: Caller): caller is (typeof BUYERS)[number] =>
  (BUYERS as readonly string[]).includes(caller);

/** An order of one of the owner's listings, bought by `buyer`. */
async function order(w: World, buyer: 'other' | 'member' = 'other') {
  const listingId = await listing(w);
  const response = await w.t.api('POST', '/v1/orders', {
    key: w.keys[buyer],
    body: { items: [{ listingId }], budgetId: w.budgets[buyer], category: 'marketplace_trading' },
    headers: { 'idempotency-key': fresh() },
  });
  return { listingId, orderId: response.body.id as string };
}

async function workflow(w: World) {
  const response = await w.t.api('POST', '/v1/workflows', {
    key: w.keys.owner,
    body: { prompt: 'Analyze photonic crystals', budgetId: w.budgets.owner },
    headers: { 'idempotency-key': fresh() },
  });
  return response.body.id as string;
}

/** A loopback port nobody listens on: deliveries to it fail and stay scheduled for retry. */
const UNREACHABLE_HOOK = 'http://127.0.0.1:9/hooks';

async function webhookEndpoint(w: World) {
  const response = await w.t.api('POST', '/v1/webhooks/endpoints', {
    key: w.keys.owner,
    body: { url: UNREACHABLE_HOOK, events: ['*'] },
  });
  return response.body.id as string;
}

async function webhookDelivery(w: World) {
  const endpointId = await webhookEndpoint(w);
  const response = await w.t.api('POST', `/v1/webhooks/endpoints/${endpointId}/test`, { key: w.keys.owner });
  return { endpointId, deliveryId: response.body.id as string };
}

const ownerAndAdmin = (status: number) => ({ other: 404, member: 404, owner: status, admin: status });

/** A node of the owner's, with a stake of 100. */
async function node(w: World, capabilities = ['teacher']) {
  const response = await w.t.api('POST', '/v1/nodes', {
    key: w.keys.owner,
    body: { name: `matrix ${fresh()}`, capabilities, stake: '100' },
    headers: { 'idempotency-key': fresh() },
  });
  return response.body.node.id as string;
}

/** A lease of a network workflow's phase, claimed by a node of the owner's. */
async function lease(w: World) {
  const nodeId = await node(w);
  await w.t.api('POST', '/v1/workflows', {
    key: w.keys.owner,
    body: { prompt: 'Analyze photonic crystals', budgetId: w.budgets.owner, executor: 'network' },
    headers: { 'idempotency-key': fresh() },
  });
  for (let attempt = 0; attempt < 600; attempt++) {
    const claimed = await w.t.api('POST', `/v1/nodes/${nodeId}/leases`, { key: w.keys.owner });
    if (claimed.status === 200) return claimed.body.lease.id as string;
  }
  throw new Error('no lease');
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
  'GET /v1/prices/models': { request: async () => ({ path: '/v1/prices/models' }), expect: same(200) },
  'PUT /v1/prices/models/{modelId}': {
    request: async () => ({
      path: '/v1/prices/models/gpt-4o-mini',
      body: { inputPerMillion: '0.15', outputPerMillion: '0.6' },
    }),
    expect: adminOnly(200),
  },
  'POST /v1/listings': {
    request: async () => ({ path: '/v1/listings', body: listingBody() }),
    expect: same(201),
  },
  'GET /v1/listings': { request: async () => ({ path: '/v1/listings' }), expect: same(200) },
  'GET /v1/listings/{listingId}': {
    request: async (w) => ({ path: `/v1/listings/${await listing(w)}` }),
    expect: same(200),
  },
  'PATCH /v1/listings/{listingId}': {
    request: async (w, caller) => ({
      path: `/v1/listings/${await listing(w)}`,
      body: caller === 'admin' ? { status: 'suspended' } : { title: 'Renamed' },
    }),
    // Listings are public: not hiding one, a stranger's edit is forbidden rather than not found.
    expect: { other: 403, member: 403, owner: 200, admin: 200 },
  },
  'GET /v1/me/listings': { request: async () => ({ path: '/v1/me/listings' }), expect: same(200) },
  'POST /v1/listings/{listingId}/reviews': {
    // Only buyers review: the caller buys the listing first when it can.
    request: async (w, caller) => {
      const listingId =
        caller === 'other' || caller === 'member' ? (await order(w, caller)).listingId : await listing(w);
      return { path: `/v1/listings/${listingId}/reviews`, body: { rating: 4, text: 'useful' } };
    },
    expect: { other: 201, member: 201, owner: 403, admin: 403 },
  },
  'PUT /v1/listings/{listingId}/reviews/mine': {
    request: async (w, caller) => {
      const listingId =
        caller === 'other' || caller === 'member' ? (await order(w, caller)).listingId : await listing(w);
      if (caller === 'other' || caller === 'member') {
        await w.t.api('POST', `/v1/listings/${listingId}/reviews`, {
          key: w.keys[caller],
          body: { rating: 2, text: 'meh' },
        });
      }
      return { path: `/v1/listings/${listingId}/reviews/mine`, body: { rating: 5, text: 'better' } };
    },
    expect: { other: 200, member: 200, owner: 404, admin: 404 },
  },
  'GET /v1/listings/{listingId}/reviews': {
    request: async (w) => ({ path: `/v1/listings/${await listing(w)}/reviews` }),
    expect: same(200),
  },
  'POST /v1/orders': {
    request: async (w, caller) => ({
      path: '/v1/orders',
      body: {
        items: [{ listingId: await listing(w) }],
        budgetId: isBuyer(caller) ? w.budgets[caller] : w.budgets.other,
        category: 'marketplace_trading',
      },
    }),
    // Sellers cannot buy their own listing; the admin does not belong to the budget named.
    expect: { other: 201, member: 201, owner: 422, admin: 404 },
  },
  'GET /v1/orders': { request: async () => ({ path: '/v1/orders' }), expect: same(200) },
  'GET /v1/orders/{orderId}': {
    request: async (w) => ({ path: `/v1/orders/${(await order(w, 'member')).orderId}` }),
    expect: { other: 404, member: 200, owner: 404, admin: 200 },
  },
  'POST /v1/orders/{orderId}/refund': {
    request: async (w) => ({ path: `/v1/orders/${(await order(w, 'member')).orderId}/refund` }),
    expect: adminOnly(200),
  },
  'GET /v1/me/entitlements': { request: async () => ({ path: '/v1/me/entitlements' }), expect: same(200) },
  'GET /v1/me/sales': { request: async () => ({ path: '/v1/me/sales' }), expect: same(200) },
  'POST /v1/workflows': {
    request: async (w, caller) => ({
      path: '/v1/workflows',
      body: {
        prompt: 'Analyze photonic crystals',
        budgetId: isBuyer(caller) ? w.budgets[caller] : w.budgets.owner,
      },
    }),
    expect: { other: 202, member: 202, owner: 202, admin: 404 },
  },
  'GET /v1/workflows': { request: async () => ({ path: '/v1/workflows' }), expect: same(200) },
  'GET /v1/workflows/{workflowId}': {
    request: async (w) => ({ path: `/v1/workflows/${await workflow(w)}` }),
    expect: { other: 404, member: 404, owner: 200, admin: 200 },
  },
  'POST /v1/workflows/{workflowId}/cancel': {
    request: async (w) => ({ path: `/v1/workflows/${await workflow(w)}/cancel` }),
    // Operators may stop any workflow.
    expect: { other: 404, member: 404, owner: 202, admin: 202 },
  },
  'GET /v1/workflows/{workflowId}/artifacts/{phase}': {
    request: async (w) => ({ path: `/v1/workflows/${await workflow(w)}/artifacts/teacher` }),
    // The artifact of a phase that has not run yet: 404 even to its owner; others never get further.
    expect: { other: 404, member: 404, owner: 404, admin: 404 },
  },
  'GET /v1/workflows/{workflowId}/audit': {
    request: async (w) => ({ path: `/v1/workflows/${await workflow(w)}/audit` }),
    expect: { other: 404, member: 404, owner: 200, admin: 200 },
  },
  'GET /v1/safety/policy': { request: async () => ({ path: '/v1/safety/policy' }), expect: adminOnly(200) },
  'PUT /v1/safety/policy': {
    request: async () => ({ path: '/v1/safety/policy', body: {} }),
    expect: adminOnly(200),
  },
  'GET /v1/health/report': { request: async () => ({ path: '/v1/health/report' }), expect: adminOnly(200) },
  'GET /v1/health/history': { request: async () => ({ path: '/v1/health/history' }), expect: adminOnly(200) },
  'POST /v1/health/sweeps': { request: async () => ({ path: '/v1/health/sweeps' }), expect: adminOnly(201) },
  'GET /v1/events': { request: async () => ({ path: '/v1/events' }), expect: same(200) },
  'POST /v1/webhooks/endpoints': {
    request: async () => ({ path: '/v1/webhooks/endpoints', body: { url: UNREACHABLE_HOOK, events: ['*'] } }),
    expect: same(201),
  },
  'GET /v1/webhooks/endpoints': {
    request: async () => ({ path: '/v1/webhooks/endpoints' }),
    expect: same(200),
  },
  'GET /v1/webhooks/endpoints/{endpointId}': {
    request: async (w) => ({ path: `/v1/webhooks/endpoints/${await webhookEndpoint(w)}` }),
    expect: ownerAndAdmin(200),
  },
  'PATCH /v1/webhooks/endpoints/{endpointId}': {
    request: async (w) => ({
      path: `/v1/webhooks/endpoints/${await webhookEndpoint(w)}`,
      body: { description: 'x' },
    }),
    expect: ownerAndAdmin(200),
  },
  'DELETE /v1/webhooks/endpoints/{endpointId}': {
    request: async (w) => ({ path: `/v1/webhooks/endpoints/${await webhookEndpoint(w)}` }),
    expect: ownerAndAdmin(204),
  },
  'POST /v1/webhooks/endpoints/{endpointId}/rotate-secret': {
    request: async (w) => ({
      path: `/v1/webhooks/endpoints/${await webhookEndpoint(w)}/rotate-secret`,
      body: {},
    }),
    expect: ownerAndAdmin(200),
  },
  'POST /v1/webhooks/endpoints/{endpointId}/test': {
    request: async (w) => ({ path: `/v1/webhooks/endpoints/${await webhookEndpoint(w)}/test` }),
    expect: ownerAndAdmin(202),
  },
  'GET /v1/webhooks/endpoints/{endpointId}/deliveries': {
    request: async (w) => ({ path: `/v1/webhooks/endpoints/${await webhookEndpoint(w)}/deliveries` }),
    expect: ownerAndAdmin(200),
  },
  'POST /v1/webhooks/endpoints/{endpointId}/deliveries/{deliveryId}/retry': {
    request: async (w) => {
      const { endpointId, deliveryId } = await webhookDelivery(w);
      return { path: `/v1/webhooks/endpoints/${endpointId}/deliveries/${deliveryId}/retry` };
    },
    // A delivery to a port nobody listens on is still being retried: refused as pending, to those who may see it.
    expect: ownerAndAdmin(409),
  },
  'GET /v1/budgets/{budgetId}/spend': {
    request: async (w) => ({ path: `/v1/budgets/${await budget(w)}/spend?interval=hour` }),
    expect: { other: 404, member: 200, owner: 200, admin: 200 },
  },
  'POST /v1/nodes': {
    request: async () => ({
      path: '/v1/nodes',
      body: { name: 'matrix', capabilities: ['teacher'], stake: '100' },
    }),
    expect: { other: 201, member: 201, owner: 201, admin: 402 },
  },
  'GET /v1/nodes': { request: async () => ({ path: '/v1/nodes' }), expect: same(200) },
  // A node is driven only by its owner: to anyone else (admins too) it does not exist; admins may read it.
  'GET /v1/nodes/{nodeId}': {
    request: async (w) => ({ path: `/v1/nodes/${await node(w)}` }),
    expect: { other: 404, member: 404, owner: 200, admin: 200 },
  },
  'DELETE /v1/nodes/{nodeId}': {
    request: async (w) => ({ path: `/v1/nodes/${await node(w)}` }),
    expect: { other: 404, member: 404, owner: 200, admin: 404 },
  },
  'POST /v1/nodes/{nodeId}/heartbeat': {
    request: async (w) => ({ path: `/v1/nodes/${await node(w)}/heartbeat` }),
    expect: { other: 404, member: 404, owner: 200, admin: 404 },
  },
  'POST /v1/nodes/{nodeId}/leases': {
    // No workflow here gets past its first phase, so a multi-agent node finds no work: 204.
    request: async (w) => ({ path: `/v1/nodes/${await node(w, ['multi_agent'])}/leases` }),
    expect: { other: 404, member: 404, owner: 204, admin: 404 },
  },
  'POST /v1/leases/{leaseId}/result': {
    // The owner's empty output reaches verification and is rejected there.
    request: async (w) => ({ path: `/v1/leases/${await lease(w)}/result`, body: { output: {} } }),
    expect: { other: 404, member: 404, owner: 422, admin: 404 },
  },
  'POST /v1/leases/{leaseId}/failure': {
    request: async (w) => ({ path: `/v1/leases/${await lease(w)}/failure`, body: { reason: 'matrix' } }),
    expect: { other: 404, member: 404, owner: 200, admin: 404 },
  },
};

// A node's request for work waits this long when there is none (its default, 10 s, is for real nodes).
process.env.PRSM_LEASE_WAIT_MS ??= '100';
const t = useRuntime(import.meta.filename);
let w: World;

beforeAll(async () => {
  const [owner, other, member, revoked] = [
    await t.newUser(),
    await t.newUser(),
    await t.newUser(),
    await t.newUser(),
  ];
  await Promise.all([owner, other, member].map((u) => t.grant(u.id, '100000')));
  const spare = await t.api('POST', '/v1/me/keys', { key: revoked.key });
  await t.api('DELETE', `/v1/me/keys/${spare.body.keyId}`, { key: revoked.key });
  const budgetOf = async (key: string) =>
    (await t.api('POST', '/v1/budgets', { key, body: { name: 'spending', total: '100000' } })).body
      .id as string;
  w = {
    t,
    budgets: {
      owner: await budgetOf(owner.key),
      other: await budgetOf(other.key),
      member: await budgetOf(member.key),
    },
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
      const { path, body } = await row.request(w, caller);
      const key = caller === 'none' ? undefined : w.keys[caller];
      const headers = route.spec.idempotencyKey ? { 'idempotency-key': fresh() } : undefined;
      const response = await t.api(route.spec.method, path, { key, body, headers });
      expect(response.status, JSON.stringify(response.body)).toBe(expected);
      if (headers && response.status < 300) {
        // Every keyed route: a copy under the same key gets the first answer, whatever changed since.
        const copy = await t.api(route.spec.method, path, { key, body, headers });
        expect(copy.status, JSON.stringify(copy.body)).toBe(response.status);
        expect(copy.headers.get('idempotent-replayed')).toBe('true');
        expect(copy.body).toEqual(response.body);
      }
    },
  );
});
