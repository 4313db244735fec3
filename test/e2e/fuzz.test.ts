import { describe, expect, it } from 'vitest';
import { httpRoutes } from '#infra/manifest.js';
import { fuzzRoutes, type Send } from '../fuzz/harness.js';
import { assertDocumented } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { listingBody } from './marketplace-support.js';

/**
 * Property-based fuzzing of every route of the manifest (so of /v1/openapi.json) through the
 * local runtime, as an admin, a user and anonymously: no 5xx, every answer a documented success
 * or a problem+json, and the books intact at the end. `npm run fuzz` runs it longer.
 */
const RUNS = Number(process.env.PRSM_FUZZ_RUNS ?? 12);
// A node's request for work waits this long when there is none (its default, 10 s, is for real nodes).
process.env.PRSM_LEASE_WAIT_MS ??= '100';
const t = useRuntime(import.meta.filename);

const send: Send = async (method, path, options) => {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  // fetch cannot send a body with GET; API Gateway would drop it anyway.
  const body = method === 'GET' ? undefined : options.rawBody;
  const response = await fetch(`${t.runtime.url}${path}`, { method, headers, body });
  const text = await response.text();
  await assertDocumented(t.runtime.url, {
    method,
    path,
    status: response.status,
    headers: response.headers,
    text,
  });
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // a non-JSON body: the verdict judges it
  }
  return { status: response.status, headers: response.headers, body: parsed };
};

async function world() {
  const [user, other] = [await t.newUser('fuzz user'), await t.newUser('fuzz other')];
  await Promise.all([t.grant(user.id, '100000'), t.grant(other.id, '100000')]);
  const budget = await t.api('POST', '/v1/budgets', {
    key: user.key,
    body: {
      name: 'fuzzed',
      total: '5000',
      members: [{ userId: other.id }],
      autoExpand: { enabled: true, maxExpansion: '100' },
      // Charges in a category named like a prototype property reach the budget's informed plan too.
      categories: { constructor: { allocation: '100', enforcement: 'hard' } },
    },
  });
  const hold = await t.api('POST', '/v1/holds', {
    key: user.key,
    body: { amount: '5', expiresInSeconds: 600 },
    headers: { 'idempotency-key': 'fuzz-hold' },
  });
  const expansion = await t.api('POST', `/v1/budgets/${budget.body.id}/expansions`, {
    key: other.key,
    body: { amount: '5', reason: 'fuzz' },
  });
  const keys = await t.api('GET', '/v1/me/keys', { key: other.key });
  const listing = await t.api('POST', '/v1/listings', {
    key: other.key,
    body: listingBody({ price: '2.00' }),
  });
  const order = await t.api('POST', '/v1/orders', {
    key: user.key,
    body: {
      items: [{ listingId: listing.body.id }],
      budgetId: budget.body.id,
      category: 'marketplace_trading',
    },
    headers: { 'idempotency-key': 'fuzz-order' },
  });
  const workflow = await t.api('POST', '/v1/workflows', {
    key: user.key,
    body: { prompt: 'Analyze photonic crystals', budgetId: budget.body.id },
    headers: { 'idempotency-key': 'fuzz-workflow' },
  });
  const hook = await t.api('POST', '/v1/webhooks/endpoints', {
    key: user.key,
    body: { url: 'http://127.0.0.1:9/hooks', events: ['*'] },
  });
  const delivery = await t.api('POST', `/v1/webhooks/endpoints/${hook.body.id}/test`, { key: user.key });
  const node = await t.api('POST', '/v1/nodes', {
    key: user.key,
    body: { name: 'fuzz node', capabilities: ['teacher'], stake: '100' },
    headers: { 'idempotency-key': 'fuzz-node' },
  });
  return {
    user,
    known: {
      userId: [user.id, other.id, 'usr_admin'],
      to: [other.id],
      payeeId: [other.id],
      budgetId: [budget.body.id],
      holdId: [hold.body.id],
      expansionId: [expansion.body.id],
      keyId: [keys.body.items[0].keyId],
      component: ['SEAL', 'AuditTrail'],
      listingId: [listing.body.id],
      orderId: [order.body.id],
      workflowId: [workflow.body.id],
      phase: ['teacher', '1', 'settlement'],
      category: ['model_inference', 'x', 'constructor'],
      endpointId: [hook.body.id],
      deliveryId: [delivery.body.id],
      nodeId: [node.body.node.id],
      leaseId: ['lse_01JUNKNOWN'],
    },
  };
}

describe('Fuzzing every route', () => {
  it(`answers ${RUNS} generated requests per route with no 5xx and only documented shapes; the books stay exact`, {
    timeout: 600_000,
  }, async () => {
    const { user, known } = await world();
    const report = await fuzzRoutes(httpRoutes(), send, { admin: t.adminKey, user: user.key }, known, {
      runs: RUNS,
    });
    console.log(
      `fuzz: ${report.cases} cases over ${httpRoutes().length} routes; statuses ${JSON.stringify(report.statuses)}`,
    );
    expect(report.failures).toEqual([]);
    expect(report.cases).toBe(RUNS * httpRoutes().length);

    const audit = await t.api('GET', '/v1/ledger/audit', { key: t.adminKey });
    expect(audit.body).toMatchObject({ sumOfBalances: '0.00', negativeBalances: [], budgetDrift: [] });
  });
});
