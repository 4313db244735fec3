import { type Agent, startAgent } from '#shared/network/agent/agent.js';

/**
 * `PRSM_DEMO_NODES=n npm start`: n provider nodes in the runtime's process, each its own user
 * with 200 FTNS (100 of them staked), so `executor: network` workflows run out of the box.
 */
export async function startDemoNodes(url: string, adminKey: string, count: number): Promise<Agent[]> {
  const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`demo nodes: ${path} answered ${response.status}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const agents: Agent[] = [];
  for (let i = 1; i <= count; i++) {
    const created = await call('/v1/users', { name: `Demo node ${i}` });
    const user = created.user as { id: string };
    await call(
      '/v1/grants',
      { userId: user.id, amount: '200' },
      { 'idempotency-key': `demo-node-${user.id}` },
    );
    agents.push(
      startAgent({
        api: url,
        key: String(created.apiKey),
        name: `demo-node-${i}`,
        log: (line) => console.log(`  ${line}`),
      }),
    );
  }
  await Promise.all(agents.map((agent) => agent.nodeId));
  return agents;
}
