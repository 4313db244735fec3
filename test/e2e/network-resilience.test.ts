import { describe, expect, it } from 'vitest';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { agentOf, micro, nodeOf, owner, phaseProceeds, until } from './network-support.js';
import {
  account,
  audit,
  EXAMPLE_QUERY,
  finished,
  researcher,
  submitted,
  waitFor,
} from './workflows-support.js';

// Leases short enough for a test to see one expire; the wait for work short.
process.env.PRSM_LEASE_SECONDS = '5';
process.env.PRSM_LEASE_WAIT_MS = '300';
process.env.PRSM_LEASE_POLL_MS = '50';

const t = useRuntime(import.meta.url);

describe('the provider network when a node dies', () => {
  it('re-offers the lease of an agent killed mid-lease: another node completes it, the first loses 0.15, nothing is paid twice', async () => {
    const [kim, lee] = [await owner(t), await owner(t)];
    const ada = await researcher(t);
    // Takes a lease and sits on it: killed while it holds it.
    const stuck = agentOf(t, kim, 'stuck', { holdMs: 3_600_000 });
    const stuckId = await stuck.nodeId;
    const id = await submitted(t, ada, { prompt: EXAMPLE_QUERY, executor: 'network' });
    await until(
      async () => (await nodeOf(t, kim.key, stuckId)).node.activeLeases,
      (n) => n === 1,
      'a lease taken',
    );
    stuck.kill();
    const backups = [agentOf(t, lee, 'backup-1'), agentOf(t, lee, 'backup-2')];
    const done = await waitFor(t, ada.key, id, finished);
    await Promise.all(backups.map((a) => a.stop()));

    expect(done.status, JSON.stringify(done.failure)).toBe('completed');
    const backupIds = await Promise.all(backups.map((a) => a.nodeId));
    for (const phase of done.phases) expect(backupIds.map((n) => `node:${n}`)).toContain(phase.executor);
    const { node, reputationHistory } = await nodeOf(t, kim.key, stuckId);
    expect(node).toMatchObject({ workDone: 0, workFailed: 1, activeLeases: 0, earnings: '0.00' });
    expect(node.reputation).toBeCloseTo(0.35, 10);
    expect(reputationHistory[0]).toMatchObject({ reason: 'expired', from: 0.5, to: 0.35 });
    // Paid once: the killed node's owner got nothing, the backups' owner each phase's proceeds once.
    expect(await account(t, kim.key)).toMatchObject({ balance: '200.00' });
    expect(micro((await account(t, lee.key)).balance)).toBe(micro('200') + phaseProceeds([done]));
    expect(micro(done.totalCost)).toBe(done.phases.reduce((s: bigint, p: Json) => s + micro(p.cost), 0n));
    expect((await audit(t)).sumOfBalances).toBe('0.00');
  });
});
