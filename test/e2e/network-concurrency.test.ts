import { describe, expect, it } from 'vitest';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { agentOf, micro, owner, phaseProceeds } from './network-support.js';
import {
  account,
  audit,
  EXAMPLE_QUERY,
  finished,
  researcher,
  submitted,
  waitFor,
} from './workflows-support.js';

process.env.PRSM_LEASE_WAIT_MS = '300';
process.env.PRSM_LEASE_POLL_MS = '50';

const t = useRuntime(import.meta.url);

describe('the provider network under load', () => {
  it('runs 20 workflows over 3 agents at once: every phase paid exactly once, books at zero', {
    timeout: 900_000,
  }, async () => {
    const owners = [await owner(t), await owner(t), await owner(t)];
    const agents = owners.map((who, i) => agentOf(t, who, `crowd-${i}`));
    const researchers = await Promise.all(
      Array.from({ length: 4 }, () => researcher(t, { grant: '1000', total: '1000' })),
    );
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        submitted(t, researchers[i % 4]!, { prompt: `${EXAMPLE_QUERY} (${i})`, executor: 'network' }),
      ),
    );
    // One poller at a time: twenty polling at once would load the local AWS more than the work does.
    const done: Json[] = [];
    for (const [i, id] of ids.entries())
      done.push(await waitFor(t, researchers[i % 4]!.key, id, finished, 600_000));
    await Promise.all(agents.map((a) => a.stop()));

    expect(done.map((w) => w.status)).toEqual(Array(20).fill('completed'));
    // Each phase accepted once, by one of the agents; the owners got exactly the proceeds.
    const accepted = agents.flatMap((a) => a.accepted.map((l) => `${l.workflowId}/${l.phase}`));
    expect(accepted).toHaveLength(140);
    expect(new Set(accepted).size).toBe(140);
    const before = micro('200');
    let paid = 0n;
    for (const [i, who] of owners.entries()) {
      const earned = agents[i]!.accepted.reduce((sum, l) => sum + micro(l.proceeds), 0n);
      expect(micro((await account(t, who.key)).balance) - before).toBe(earned);
      paid += earned;
    }
    expect(paid).toBe(phaseProceeds(done));
    for (const [i, who] of researchers.entries()) {
      const spent = done.filter((_, j) => j % 4 === i).reduce((sum, w) => sum + micro(w.totalCost), 0n);
      expect(micro((await account(t, who.key)).balance)).toBe(micro('1000') - spent);
    }
    const books = await audit(t);
    expect(books).toMatchObject({ sumOfBalances: '0.00', negativeBalances: [], budgetDrift: [] });
  });
});
