import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '#shared/network/agent/agent.js';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { agentOf, micro, nodeOf, type Owner, owner, proceedsOf, until } from './network-support.js';
import {
  account,
  audit,
  EXAMPLE_QUERY,
  finished,
  PHASE_IDS,
  type Researcher,
  researcher,
  submitted,
  waitFor,
} from './workflows-support.js';

// Every result cross-checked (so a wrong one is caught for certain); short waits and heartbeats.
process.env.PRSM_NETWORK_VERIFY_PPM = '1000000';
process.env.PRSM_LEASE_WAIT_MS = '300';
process.env.PRSM_LEASE_POLL_MS = '50';
process.env.PRSM_NODE_HEARTBEAT_TIMEOUT_SECONDS = '6';

const t = useRuntime(import.meta.url);

describe('the provider network: the example query on two nodes', () => {
  let nia: Owner;
  let omar: Owner;
  let ada: Researcher;
  let agents: Agent[];
  let workflow: Json;
  let nodeIds: string[];

  beforeAll(async () => {
    [nia, omar] = await Promise.all([owner(t), owner(t)]);
    ada = await researcher(t);
    agents = [agentOf(t, nia, 'nia-1'), agentOf(t, omar, 'omar-1')];
    nodeIds = await Promise.all(agents.map((a) => a.nodeId));
    const id = await submitted(t, ada, { prompt: EXAMPLE_QUERY, executor: 'network' });
    workflow = await waitFor(t, ada.key, id, finished);
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
  });

  it('completes all seven phases, each run by a node', () => {
    expect(workflow.status, JSON.stringify(workflow.failure)).toBe('completed');
    expect(workflow.executor).toBe('network');
    expect(workflow.response.executor).toBe('network');
    for (const phase of workflow.phases) expect(nodeIds.map((n) => `node:${n}`)).toContain(phase.executor);
    expect(workflow.phases.map((p: Json) => p.id)).toEqual(PHASE_IDS);
    expect(workflow.audit).toMatchObject({ verified: true, passed: true });
  });

  it("raises the owners' balances by exactly the phase costs less the marketplace's fee", async () => {
    for (const [index, who] of [nia, omar].entries()) {
      const earned = workflow.phases
        .filter((p: Json) => p.executor === `node:${nodeIds[index]}`)
        .reduce((sum: bigint, p: Json) => sum + proceedsOf(micro(p.cost)), 0n);
      const books = await account(t, who.key);
      // 200 granted, 100 of it held as the stake (still theirs: in the balance, not available).
      expect(micro(books.balance) - micro('200')).toBe(earned);
      expect(micro(books.available)).toBe(micro('100') + earned);
    }
  });

  it('leaves the ledger audit at zero', async () => {
    const books = await audit(t);
    expect(books.sumOfBalances).toBe('0.00');
    expect(books.negativeBalances).toEqual([]);
    expect(books.budgetDrift).toEqual([]);
  });

  it("raises the nodes' reputations 0.05 per accepted result, with the reason recorded", async () => {
    for (const [index, who] of [nia, omar].entries()) {
      const done = workflow.phases.filter((p: Json) => p.executor === `node:${nodeIds[index]}`).length;
      const { node, reputationHistory } = await nodeOf(t, who.key, nodeIds[index]!);
      expect(node.workDone).toBe(done);
      expect(node.reputation).toBeCloseTo(Math.min(1, 0.5 + 0.05 * done), 10);
      expect(reputationHistory.filter((e: Json) => e.reason === 'accepted')).toHaveLength(done);
    }
  });

  it('lets only the owner drive a node: another user gets 404, an admin reads it', async () => {
    const [nodeId] = nodeIds;
    for (const [method, path] of [
      ['GET', `/v1/nodes/${nodeId}`],
      ['POST', `/v1/nodes/${nodeId}/heartbeat`],
      ['POST', `/v1/nodes/${nodeId}/leases`],
      ['DELETE', `/v1/nodes/${nodeId}`],
    ] as const) {
      expect((await t.api(method, path, { key: omar.key })).status).toBe(404);
    }
    expect((await t.api('GET', `/v1/nodes/${nodeId}`, { key: t.adminKey })).status).toBe(200);
    const listed = await t.api('GET', '/v1/nodes', { key: omar.key });
    expect(listed.body.items.map((n: Json) => n.id)).toEqual([nodeIds[1]]);
  });
});

describe('accountability', () => {
  let mallory: Owner;
  let ada: Researcher;

  beforeAll(async () => {
    mallory = await owner(t);
    ada = await researcher(t, { total: '500' });
  });

  it('catches a wrong result, slashes the node 10 % of its stake, pays it nothing, and another node finishes', async () => {
    const liar = agentOf(t, mallory, 'liar', {
      capabilities: ['teacher'],
      tamper: (output) => ({ ...output, data: { ...output.data, keywords: ['forged'] } }),
    });
    const liarId = await liar.nodeId;
    const id = await submitted(t, ada, { prompt: EXAMPLE_QUERY, executor: 'network' });
    await until(
      async () => liar.refused.length,
      (n) => n >= 1,
      'a rejected result',
    );
    await liar.stop();
    expect(liar.refused[0]).toMatchObject({ status: 422, code: 'result_rejected' });
    const honest = agentOf(t, await owner(t), 'honest');
    const done = await waitFor(t, ada.key, id, finished);
    await honest.stop();
    expect(done.status).toBe('completed');
    expect(done.phases[0].executor).toBe(`node:${await honest.nodeId}`);

    const { node, reputationHistory } = await nodeOf(t, mallory.key, liarId);
    expect(node).toMatchObject({
      stake: '90.00',
      slashed: '10.00',
      workDone: 0,
      workFailed: 1,
      earnings: '0.00',
    });
    expect(node.reputation).toBeCloseTo(0.35, 10);
    expect(reputationHistory[0]).toMatchObject({ reason: 'rejected', from: 0.5 });
    expect(reputationHistory[0].detail).toContain('cross-check');
    const books = await account(t, mallory.key);
    expect(books).toMatchObject({ balance: '190.00', available: '100.00' });
    expect((await audit(t)).sumOfBalances).toBe('0.00');
  });

  it('offers no work to a node below 0.3', async () => {
    const liar = agentOf(t, mallory, 'liar', {
      capabilities: ['teacher'],
      tamper: (output) => ({ ...output, summary: `${output.summary} (forged)` }),
    });
    const liarId = await liar.nodeId;
    const id = await submitted(t, ada, { prompt: EXAMPLE_QUERY, executor: 'network' });
    await until(
      async () => liar.refused.length,
      (n) => n >= 1,
      'a second rejected result',
    );
    await liar.stop();
    const { node } = await nodeOf(t, mallory.key, liarId);
    expect(node.reputation).toBeCloseTo(0.2, 10);
    const asked = await t.api('POST', `/v1/nodes/${liarId}/leases`, { key: mallory.key });
    expect(asked.status).toBe(409);
    expect(asked.body.code).toBe('reputation_too_low');
    const honest = agentOf(t, await owner(t), 'honest-2');
    expect((await waitFor(t, ada.key, id, finished)).status).toBe('completed');
    await honest.stop();
  });

  it('offers no work to an inactive node, and deregistering releases the stake', async () => {
    const quiet = await owner(t);
    const created = await t.api('POST', '/v1/nodes', {
      key: quiet.key,
      body: { name: 'quiet', capabilities: ['teacher'], stake: '100' },
      headers: { 'idempotency-key': `quiet-${Date.now()}` },
    });
    expect(created.status).toBe(201);
    expect(created.body.node).toMatchObject({ status: 'active', reputation: 0.5, stake: '100.00' });
    expect(await account(t, quiet.key)).toMatchObject({ balance: '200.00', available: '100.00' });
    const nodeId = created.body.node.id;
    await until(
      async () => (await nodeOf(t, quiet.key, nodeId)).node.status,
      (s) => s === 'inactive',
      'inactive',
    );
    const asked = await t.api('POST', `/v1/nodes/${nodeId}/leases`, { key: quiet.key });
    expect(asked.status).toBe(409);
    expect(asked.body.code).toBe('node_inactive');
    const removed = await t.api('DELETE', `/v1/nodes/${nodeId}`, { key: quiet.key });
    expect(removed.status).toBe(200);
    expect(removed.body.node.status).toBe('deregistered');
    expect(await account(t, quiet.key)).toMatchObject({ balance: '200.00', available: '200.00' });
  });

  it('refuses a stake under 100 FTNS', async () => {
    const small = await owner(t);
    const refused = await t.api('POST', '/v1/nodes', {
      key: small.key,
      body: { name: 'small', capabilities: ['teacher'], stake: '99.99' },
      headers: { 'idempotency-key': `small-${Date.now()}` },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('stake_too_low');
  });
});

describe('the network in the health sweep', () => {
  it('counts active nodes per capability and the work waiting; work no active node serves degrades it', async () => {
    const ada = await researcher(t);
    // Every node here goes quiet (no agent runs): the offer waits with nobody to take it.
    const id = await submitted(t, ada, { prompt: EXAMPLE_QUERY, executor: 'network' });
    await until(
      async () => (await t.api('GET', '/v1/nodes?limit=100', { key: t.adminKey })).body.items,
      (nodes: Json[]) => nodes.every((n) => n.status !== 'active'),
      'every node inactive',
    );
    const sweep = async () => {
      const response = await t.api('POST', '/v1/health/sweeps', { key: t.adminKey });
      expect(response.status).toBe(201);
      return response.body.components.find((c: Json) => c.name === 'network');
    };
    const quiet = await sweep();
    expect(quiet.status).toBe('degraded');
    expect(quiet.detail).toContain('active nodes: none');
    expect(quiet.detail).toMatch(/waiting: teacher 1 \(oldest /);

    const agent = agentOf(t, await owner(t), 'health');
    await waitFor(t, ada.key, id, finished);
    const served = await sweep();
    await agent.stop();
    expect(served.status).toBe('healthy');
    expect(served.detail).toContain('teacher 1');
    expect(served.detail).toContain('waiting: none');
  });
});
