import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { availableOffers, reofferExpired } from '#shared/network/leases.js';
import { networkConfig } from '#shared/network/network-config.js';
import { isActiveAt, nodeOf } from '#shared/network/node.js';
import { PHASES } from '#shared/prices/phases.js';
import type { CapabilityProbes, ProbeDeps } from '../probe-deps.js';

/** Work waiting longer than this, or waiting for a capability no active node serves, degrades the network. */
export const NETWORK_WAIT_LIMIT_MS = 10 * 60 * 1000;

async function activeNodesByCapability(deps: ProbeDeps): Promise<Map<string, number>> {
  const now = deps.clock.now();
  const timeout = networkConfig().heartbeatTimeoutMs;
  const counts = new Map<string, number>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.table.doc.send(
      new QueryCommand({
        TableName: deps.table.name,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': 'NODES' },
        ExclusiveStartKey: start,
      }),
    );
    for (const node of (page.Items ?? []).map(nodeOf)) {
      if (!isActiveAt(node, now, timeout)) continue;
      for (const capability of node.capabilities) counts.set(capability, (counts.get(capability) ?? 0) + 1);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}

/**
 * The provider network as a component: active nodes per capability, offers waiting and the
 * oldest, and the leases past their deadline, which the sweep offers again (their nodes lose 0.15).
 */
export const networkProbes: CapabilityProbes = {
  capability: 'network',
  checks: (deps) => [
    {
      name: 'network',
      group: 'components',
      limits: { timeoutMs: 20_000, slowMs: 5_000 },
      run: async () => {
        const now = deps.clock.now();
        const [active, offers] = await Promise.all([
          activeNodesByCapability(deps),
          Promise.all(PHASES.map((phase) => availableOffers(deps, phase.id, now, 100))),
        ]);
        let reoffered = 0;
        const waiting: { capability: string; count: number; oldest: string }[] = [];
        for (const [index, phase] of PHASES.entries()) {
          const found = offers[index]!;
          for (const offer of found.filter((o) => o.status === 'claimed'))
            if (await reofferExpired(deps, offer)) reoffered++;
          const open = found
            .filter((o) => o.status === 'open')
            .map((o) => o.offeredAt)
            .sort();
          if (open.length > 0 || found.some((o) => o.status === 'claimed'))
            waiting.push({ capability: phase.id, count: found.length, oldest: open[0] ?? now.toISOString() });
        }
        const nodes =
          [...active.entries()].map(([capability, count]) => `${capability} ${count}`).join(', ') || 'none';
        const unserved = waiting.filter((w) => !active.get(w.capability));
        const late = waiting.filter((w) => now.getTime() - Date.parse(w.oldest) > NETWORK_WAIT_LIMIT_MS);
        const summary = `active nodes: ${nodes}; waiting: ${
          waiting.map((w) => `${w.capability} ${w.count} (oldest ${w.oldest})`).join(', ') || 'none'
        }; expired leases re-offered: ${reoffered}`;
        if (unserved.length > 0 || late.length > 0)
          return { status: 'degraded', detail: summary.slice(0, 500) };
        return { status: 'healthy', detail: summary.slice(0, 500) };
      },
    },
  ],
};
